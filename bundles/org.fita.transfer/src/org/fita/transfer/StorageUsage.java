package org.fita.transfer;

import com.google.gson.JsonObject;
import java.util.Optional;
import org.fita.protocol.Extensions;
import org.fita.protocol.Fields;
import org.fita.protocol.StepMessage;

/**
 * A user's storage on a FiTA server with the {@code quota} extension, as its LOGIN reply tells it:
 * bytes in finished files and DATA records, bytes promised to unfinished uploads, and the quota.
 *
 * @param storedBytes   finished files and DATA records
 * @param promisedBytes the planned sizes of unfinished uploads
 * @param quotaBytes    the quota, or -1 for none
 */
public record StorageUsage(long storedBytes, long promisedBytes, long quotaBytes) {

    public boolean hasQuota() {
        return quotaBytes >= 0;
    }

    /** Bytes counted against the quota: stored and promised. */
    public long usedBytes() {
        return storedBytes + promisedBytes;
    }

    /** The usage a LOGIN reply carries; empty when the server has no quota extension or sent nonsense. */
    static Optional<StorageUsage> fromLogin(StepMessage reply, Capabilities capabilities) {
        if (!capabilities.has(Extensions.QUOTA) || !(reply.json().get(Fields.USAGE) instanceof JsonObject usage)) {
            return Optional.empty();
        }
        StepMessage u = new StepMessage(usage);
        long stored = u.integer("stored_bytes").orElse(-1);
        long promised = u.integer("promised_bytes").orElse(-1);
        long quota = u.integer("quota_bytes").orElse(-1);
        if (stored < 0 || promised < 0 || quota < -1) {
            return Optional.empty(); // a server's numbers are checked like every other
        }
        return Optional.of(new StorageUsage(stored, promised, quota));
    }
}
