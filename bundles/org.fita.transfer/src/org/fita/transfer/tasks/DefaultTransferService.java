package org.fita.transfer.tasks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fita.transfer.ConnectionLimits;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferInfo;
import org.fita.transfer.TransferJournal;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.TransferResult;
import org.fita.transfer.WhenExists;
import org.fita.transfer.trust.ConnectionSecurity;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The {@link TransferService} component; outside OSGi, create it with {@code new}. With a
 * {@link TransferHistory}, the task list is saved (shortly after each change, and on stop) and
 * restored by the next instance.
 */
@Component(service = TransferService.class)
public final class DefaultTransferService implements TransferService {
    private static final System.Logger LOG = System.getLogger(DefaultTransferService.class.getName());
    /** Progress changes the list many times a second: saves are gathered into one per this delay. */
    private static final long SAVE_DELAY_MILLIS = 500;

    private final TransferJournal journal;
    private final TransferHistory history;
    private final ScheduledExecutorService saver;
    private final AtomicBoolean saveScheduled = new AtomicBoolean();
    private volatile boolean stopped;
    private volatile Reconnector reconnector;
    private final List<TransferTask> tasks = new CopyOnWriteArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<StepSession> sessions = new CopyOnWriteArrayList<>();
    /** Sessions let go of while transfers still ran on them: closed when the last of those ends. */
    private final List<StepSession> released = new CopyOnWriteArrayList<>();
    private final Map<String, Map<String, RemoteFile>> uploaded = new ConcurrentHashMap<>();

    /**
     * Journals under {@link TransferJournal#defaultDirectory()}, shared with the command-line client;
     * the task list in {@link TransferHistory#defaultFile()}.
     */
    public DefaultTransferService() {
        this(new TransferJournal(TransferJournal.defaultDirectory()), new TransferHistory(TransferHistory.defaultFile()));
    }

    /** A service that keeps its task list in memory only. */
    public DefaultTransferService(TransferJournal journal) {
        this(journal, null);
    }

    /** A service that restores the tasks of {@code history} (null for none) and saves its own there. */
    public DefaultTransferService(TransferJournal journal, TransferHistory history) {
        this.journal = journal;
        this.history = history;
        if (history == null) {
            saver = null;
            return;
        }
        saver = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fita-transfer-history");
            t.setDaemon(true);
            return t;
        });
        for (TransferHistory.Entry entry : loadHistory(history)) {
            TransferTask task = TransferTask.restored(entry, this::changed, () -> reconnector);
            tasks.add(task);
            if (task.status().state() == TransferTask.State.VERIFIED && task.direction() == TransferInfo.Direction.UPLOAD) {
                remember(task);
            }
        }
    }

    private static List<TransferHistory.Entry> loadHistory(TransferHistory history) {
        try {
            return history.load();
        } catch (IOException e) {
            try {
                Path aside = history.setAside();
                LOG.log(System.Logger.Level.WARNING, e.getMessage() + " It was moved to " + aside
                        + "; the Transfers list starts empty.");
            } catch (IOException moveFailed) {
                LOG.log(System.Logger.Level.WARNING, e.getMessage() + " It could not be moved aside either ("
                        + moveFailed.getMessage() + "); the Transfers list starts empty.");
            }
            return List.of();
        }
    }

    @Override
    public void setReconnector(Reconnector reconnector) {
        this.reconnector = reconnector;
    }

    @Override
    public StepSession connect(ServerAddress address, String username, String password) throws StepException {
        return connect(address, username, password, ConnectionSecurity.defaults());
    }

    @Override
    public StepSession connect(ServerAddress address, String username, String password, ConnectionSecurity security)
            throws StepException {
        StepSession session = StepSession.connect(address, username, password, ConnectionLimits.DEFAULTS, security);
        session.useJournal(journal);
        retire(session);
        sessions.add(session);
        return session;
    }

    /**
     * A new login of the same user on the same server supersedes the earlier sessions: tasks that do
     * not run move to the new one, and the earlier sessions' control connections are closed, so that
     * they do not linger until the server's idle timeout. Those sessions stay usable (whoever still
     * holds one reconnects on its next request); {@link #stop()} closes them.
     */
    private void retire(StepSession replacement) {
        for (StepSession old : List.copyOf(sessions)) {
            if (old.isClosed()) {
                sessions.remove(old);
                continue;
            }
            if (!old.address().equals(replacement.address()) || !old.username().equals(replacement.username())) {
                continue;
            }
            for (TransferTask task : tasks) {
                if (task.session0() == old) {
                    task.moveTo(replacement);
                }
            }
            old.disconnect();
        }
    }

    @Override
    public TransferTask upload(StepSession session, Path file, String key, TransferOptions options,
            WhenExists whenExists) {
        return add(new TransferTask(TransferInfo.Direction.UPLOAD, session, key, file, options, whenExists,
                this::changed));
    }

    @Override
    public TransferTask download(StepSession session, String key, Path target, TransferOptions options,
            WhenExists whenExists) {
        return add(new TransferTask(TransferInfo.Direction.DOWNLOAD, session, key, target, options, whenExists,
                this::changed));
    }

    private TransferTask add(TransferTask task) {
        tasks.add(task);
        listeners.forEach(l -> l.taskAdded(task));
        scheduleSave();
        return task;
    }

    private void changed(TransferTask task) {
        if (task.direction() == TransferInfo.Direction.UPLOAD && task.result() != null
                && task.status().state() == TransferTask.State.VERIFIED) {
            remember(task);
        }
        listeners.forEach(l -> l.taskChanged(task));
        scheduleSave();
        if (!released.isEmpty() && !task.isActive()) {
            released.forEach(this::closeIfIdle);
        }
    }

    @Override
    public void release(StepSession session) {
        sessions.remove(session);
        if (!released.contains(session)) {
            released.add(session);
        }
        closeIfIdle(session);
    }

    private void closeIfIdle(StepSession session) {
        if (tasks.stream().anyMatch(t -> t.isActive() && t.runsOn(session))) {
            return;
        }
        if (released.remove(session)) {
            tasks.forEach(t -> t.detachFrom(session));
            session.close();
        }
    }

    /** Remembers a verified upload, dated when it was verified. */
    private void remember(TransferTask task) {
        TransferResult result = task.result();
        uploaded.computeIfAbsent(owner(task.server(), task.username()), k -> new ConcurrentHashMap<>())
                .put(task.key(), new RemoteFile(task.key(), result.size(), result.md5(), task.changedAt()));
    }

    /** Saves the list soon, once for any number of changes until then. */
    private void scheduleSave() {
        if (saver != null && !stopped && saveScheduled.compareAndSet(false, true)) {
            try {
                saver.schedule(() -> {
                    if (!stopped) {
                        save();
                    }
                }, SAVE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                saveScheduled.set(false); // stopping: stop() saves
            }
        }
    }

    private void save() {
        saveScheduled.set(false);
        try {
            history.save(tasks.stream().map(TransferHistory.Entry::of).toList());
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "The Transfers list could not be saved to " + history.file() + ": "
                    + e.getMessage() + ". It is still shown, but a restart would not bring it back.");
        }
    }

    @Override
    public List<TransferTask> tasks() {
        return List.copyOf(tasks);
    }

    @Override
    public void remove(TransferTask task) {
        if (tasks.remove(task)) {
            task.cancel();
            listeners.forEach(l -> l.taskRemoved(task));
            scheduleSave();
        }
    }

    @Override
    public List<RemoteFile> uploadedFiles(ServerAddress server, String username) {
        return new ArrayList<>(new TreeMap<>(uploaded.getOrDefault(owner(server, username), Map.of())).values());
    }

    private static String owner(ServerAddress server, String username) {
        return username + "@" + server;
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    @Override
    @Deactivate
    public void stop() {
        if (saver != null && !stopped) {
            stopped = true;
            saver.shutdownNow();
            try {
                // A save under way took its snapshot already; it must not land after this one.
                saver.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            save();
        }
        stopped = true;
        tasks.forEach(TransferTask::cancel);
        sessions.forEach(StepSession::close);
        sessions.clear();
        released.forEach(StepSession::close);
        released.clear();
    }
}
