package org.fita.server.s3;

import java.nio.file.Path;
import java.time.Duration;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.LocalBlobStore;
import org.fita.server.storage.Quotas;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on the local disk. */
class LocalBlobStoreContractTest extends BlobStoreContract {
    @TempDir
    Path root;

    @Override
    BlobStore open(Quotas quotas) throws Exception {
        LocalBlobStore local = new LocalBlobStore(root, w -> { }, false);
        local.configure(Duration.ofDays(1), quotas);
        return local;
    }
}
