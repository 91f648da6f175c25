package org.fita.transfer.tasks;

import java.nio.file.Path;
import java.util.List;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.WhenExists;
import org.fita.transfer.trust.ConnectionSecurity;

/**
 * The client engine as a service: logs in, keeps the transfers of this process (for a Transfers
 * view) and remembers what was uploaded (the only listing a classic server allows). Sessions stay
 * open, for retries, until the service stops.
 */
public interface TransferService {

    /** Hears about tasks; called on the thread that changed them: return quickly and never block. */
    interface Listener {
        default void taskAdded(TransferTask task) {
        }

        default void taskChanged(TransferTask task) {
        }

        default void taskRemoved(TransferTask task) {
        }
    }

    /** Logs in again for a task restored after a restart; see {@link #setReconnector}. */
    @FunctionalInterface
    interface Reconnector {
        StepSession connect(ServerAddress server, String username) throws StepException;
    }

    /** Logs in; the session records unfinished transfers in the journal, so that they resume. */
    StepSession connect(ServerAddress address, String username, String password) throws StepException;

    /**
     * Logs in as {@link #connect(ServerAddress, String, String)} does, over TLS or not as
     * {@code security} says (see {@link StepSession#connect(ServerAddress, String, String,
     * org.fita.transfer.ConnectionLimits, ConnectionSecurity)}).
     */
    StepSession connect(ServerAddress address, String username, String password, ConnectionSecurity security)
            throws StepException;

    /** A queued upload of {@code file} as {@code key}: {@link TransferTask#run} starts it. */
    TransferTask upload(StepSession session, Path file, String key, TransferOptions options, WhenExists whenExists);

    /** A queued download of {@code key} to {@code target}: {@link TransferTask#run} starts it. */
    TransferTask download(StepSession session, String key, Path target, TransferOptions options, WhenExists whenExists);

    /**
     * How tasks restored from an earlier run log in again when they run: the workbench looks up the
     * stored password. Without one, such a task fails with a message that says to connect first.
     */
    void setReconnector(Reconnector reconnector);

    /**
     * Says that the caller no longer needs {@code session} (the explorer connected elsewhere or
     * again): it is closed at once, or, while transfers still run on it, when the last of them
     * ends. Finished and failed tasks let go of it, so that Retry logs in again (or uses the
     * session a later connection attaches).
     */
    void release(StepSession session);

    /** Every task kept, oldest first (with those restored from an earlier run). */
    List<TransferTask> tasks();

    /** Forgets a task, cancelling it if it still runs. */
    void remove(TransferTask task);

    /** The files verified as uploaded through this service to that server as that user, by key. */
    List<RemoteFile> uploadedFiles(ServerAddress server, String username);

    void addListener(Listener listener);

    void removeListener(Listener listener);

    /**
     * Ends the service: saves the task list as it is, unfinished transfers as unfinished so that the
     * next run resumes them, then cancels what still runs and closes every session. A program calls
     * it before anything else cancels its transfers (a workbench before its jobs are cancelled).
     */
    void stop();
}
