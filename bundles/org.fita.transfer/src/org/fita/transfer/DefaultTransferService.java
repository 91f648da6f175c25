package org.fita.transfer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/** The {@link TransferService} component; outside OSGi, create it with {@code new}. */
@Component(service = TransferService.class)
public final class DefaultTransferService implements TransferService {
    private final TransferJournal journal;
    private final List<TransferTask> tasks = new CopyOnWriteArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<StepSession> sessions = new CopyOnWriteArrayList<>();
    private final Map<String, Map<String, RemoteFile>> uploaded = new ConcurrentHashMap<>();

    /** Journals under {@link TransferJournal#defaultDirectory()}, shared with the command-line client. */
    public DefaultTransferService() {
        this(new TransferJournal(TransferJournal.defaultDirectory()));
    }

    public DefaultTransferService(TransferJournal journal) {
        this.journal = journal;
    }

    @Override
    public StepSession connect(ServerAddress address, String username, String password) throws StepException {
        StepSession session = StepSession.connect(address, username, password);
        session.useJournal(journal);
        sessions.add(session);
        return session;
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
        return task;
    }

    private void changed(TransferTask task) {
        TransferResult result = task.result();
        if (task.direction() == TransferInfo.Direction.UPLOAD && result != null
                && task.status().state() == TransferTask.State.VERIFIED) {
            uploaded.computeIfAbsent(owner(task.server(), task.username()), k -> new ConcurrentHashMap<>())
                    .put(task.key(), new RemoteFile(task.key(), result.size(), result.md5(), System.currentTimeMillis()));
        }
        listeners.forEach(l -> l.taskChanged(task));
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

    /** Cancels what still runs and closes every session. */
    @Deactivate
    public void stop() {
        tasks.forEach(TransferTask::cancel);
        sessions.forEach(StepSession::close);
        sessions.clear();
    }
}
