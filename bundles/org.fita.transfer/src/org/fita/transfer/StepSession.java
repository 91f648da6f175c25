package org.fita.transfer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.fita.protocol.Extensions;
import org.fita.protocol.Fields;
import org.fita.protocol.Names;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.fita.transfer.StepException.AuthenticationException;
import org.fita.transfer.StepException.UnsupportedException;

/**
 * A logged-in client of one STEP server: the entry point of the engine. Control requests (list,
 * stat, delete, DATA) share one connection; each transfer opens connections of its own with the
 * same token. Thread-safe.
 */
public final class StepSession implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger TRANSFER_IDS = new AtomicInteger();

    private final ServerAddress address;
    private final String username;
    private final StepConnection control;
    private final String token;
    private final Capabilities capabilities;
    private final ExecutorService workers;
    private volatile TransferJournal journal;

    private StepSession(ServerAddress address, String username, StepConnection control, String token,
            Capabilities capabilities) {
        this.address = address;
        this.username = username;
        this.control = control;
        this.token = token;
        this.capabilities = capabilities;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fita-transfer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The classic password of a user: the lowercase hex MD5 of the username, as coursework servers expect. */
    public static String classicPassword(String username) {
        return HexFormat.of().formatHex(Md5.create().digest(username.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Connects and logs in, announcing FiTA so that a FiTA server lists its extensions; a classic
     * server ignores the announcement.
     */
    public static StepSession connect(ServerAddress address, String username, String password) throws StepException {
        if (Names.usernameProblem(username).isPresent()) {
            throw new AuthenticationException(Names.usernameProblem(username).get(), -1);
        }
        StepConnection connection = StepConnection.open(address, CONNECT_TIMEOUT, REPLY_TIMEOUT);
        try {
            StepMessage reply = connection.call(Requests.fita(Requests.login(username, password)));
            if (!reply.isOk()) {
                throw StepException.fromReply(reply, "Login to " + address + " as \"" + username + "\"");
            }
            String token = reply.string(Fields.TOKEN).orElseThrow(
                    () -> new StepException.ProtocolViolationException("The server at " + address
                            + " accepted the login but sent no token."));
            return new StepSession(address, username, connection, token, Capabilities.fromLogin(reply));
        } catch (StepException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    public ServerAddress address() {
        return address;
    }

    public String username() {
        return username;
    }

    public String token() {
        return token;
    }

    public Capabilities capabilities() {
        return capabilities;
    }

    /** Records unfinished transfers there, so that they can resume after a crash; null turns it off. */
    public void useJournal(TransferJournal journal) {
        this.journal = journal;
    }

    TransferJournal journal() {
        return journal;
    }

    StepConnection openConnection() throws StepException {
        return StepConnection.open(address, CONNECT_TIMEOUT, REPLY_TIMEOUT);
    }

    /** Sends a FiTA-marked request on the control connection and returns the OK reply, or throws. */
    StepMessage control(JsonObject request, String what) throws StepException {
        StepMessage reply;
        synchronized (control) {
            reply = control.call(capabilities.isFita() ? Requests.fita(request) : request);
        }
        if (!reply.isOk()) {
            throw StepException.fromReply(reply, what);
        }
        return reply;
    }

    /** Every finished file whose key starts with {@code prefix} (null for all), in key order. */
    public List<RemoteFile> list(String prefix) throws StepException {
        if (!capabilities.has(Extensions.LIST)) {
            throw new UnsupportedException("The server at " + address + " is a classic STEP server: it has no way to "
                    + "list files. Only keys you know (for example those you uploaded) can be fetched.");
        }
        List<RemoteFile> files = new ArrayList<>();
        String after = null;
        do {
            StepMessage page = control(Requests.list(token, prefix, after, capabilities.maxListPage()), "Listing files");
            JsonArray entries = page.json().get(Fields.FILES) instanceof JsonArray a ? a : new JsonArray();
            for (JsonElement e : entries) {
                StepMessage f = new StepMessage(e.getAsJsonObject());
                files.add(new RemoteFile(f.key(), f.integer(Fields.SIZE).orElse(-1), f.string(Fields.MD5).orElse(""),
                        f.integer(Fields.MODIFIED).orElse(-1)));
            }
            after = page.string(Fields.NEXT_AFTER).orElse(null);
        } while (after != null);
        return files;
    }

    /** The finished file under {@code key} (FILE GET): works on classic servers too. */
    public RemoteFile stat(String key) throws StepException {
        checkKey(key);
        StepMessage plan = control(Requests.fileGet(token, key), "Looking up \"" + key + "\"");
        return new RemoteFile(key, plan.integer(Fields.SIZE).orElse(-1), plan.string(Fields.MD5).orElse(""), -1);
    }

    public void delete(String key) throws StepException {
        checkKey(key);
        control(Requests.fileDelete(token, key), "Deleting \"" + key + "\"");
    }

    /** Saves a DATA record; returns its key (the server's choice when {@code key} is null). */
    public String saveData(String key, Map<String, ?> fields) throws StepException {
        if (key != null) {
            checkKey(key);
        }
        return control(Requests.dataSave(token, key, fields), "Saving DATA").key();
    }

    public JsonObject getData(String key) throws StepException {
        checkKey(key);
        return control(Requests.dataGet(token, key), "Reading DATA \"" + key + "\"").json();
    }

    public void deleteData(String key) throws StepException {
        checkKey(key);
        control(Requests.dataDelete(token, key), "Deleting DATA \"" + key + "\"");
    }

    static void checkKey(String key) throws StepException {
        if (Names.keyProblem(key).isPresent()) {
            throw new StepException.InvalidRequestException(Names.keyProblem(key).get());
        }
    }

    /** Starts uploading {@code file} under {@code key}; the returned transfer reports and can be awaited. */
    public Transfer upload(Path file, String key, TransferOptions options, TransferListener listener)
            throws StepException {
        checkKey(key);
        Transfer transfer = new Transfer(new TransferInfo("t" + TRANSFER_IDS.incrementAndGet(),
                TransferInfo.Direction.UPLOAD, key, file, address), listener);
        workers.execute(() -> new Upload(this, transfer, options, workers).run());
        return transfer;
    }

    /** Starts downloading {@code key} to {@code target} (through {@code target.part}). */
    public Transfer download(String key, Path target, TransferOptions options, TransferListener listener)
            throws StepException {
        checkKey(key);
        Transfer transfer = new Transfer(new TransferInfo("t" + TRANSFER_IDS.incrementAndGet(),
                TransferInfo.Direction.DOWNLOAD, key, target, address), listener);
        workers.execute(() -> new Download(this, transfer, options, workers).run());
        return transfer;
    }

    /** Closes the control connection; transfers still running keep their own connections. */
    @Override
    public void close() {
        control.close();
        workers.shutdown();
    }
}
