package org.fita.transfer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.fita.protocol.Extensions;
import org.fita.protocol.Fields;
import org.fita.protocol.Names;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.fita.transfer.StepException.AuthenticationException;
import org.fita.transfer.StepException.ConnectionException;
import org.fita.transfer.StepException.ProtocolViolationException;
import org.fita.transfer.StepException.UnsupportedException;
import org.fita.transfer.trust.ConnectionSecurity;
import org.fita.transfer.trust.ServerIdentityException;
import org.fita.transfer.trust.ServerTrust;
import org.fita.transfer.trust.ServerTrustPrompt;
import org.fita.transfer.trust.TlsInfo;

/**
 * A logged-in client of one STEP server: the entry point of the engine. Control requests (list,
 * stat, delete, DATA, plans) share one connection; each transfer opens connections of its own with
 * the session's current token. Thread-safe.
 * <p>
 * The session heals itself: when the server closed the control connection (idle timeout, restart)
 * it opens a new one and logs in again with the credentials it holds, and when the server refuses
 * the token (expired, or a restarted server with a new secret) it logs in again and repeats the
 * request, once per failure. {@link #close()} closes every connection and thread it opened.
 */
public final class StepSession implements AutoCloseable {
    /** The longest token accepted from a server; FiTA's are about 80 characters. */
    static final int MAX_TOKEN_CHARS = 4096;
    /** The most files {@link #list(String)} gathers before it refuses (a server that never ends its listing). */
    public static final int MAX_LIST_FILES = 1_000_000;
    private static final AtomicInteger TRANSFER_IDS = new AtomicInteger();
    /** A password that took longer than this to come was typed: the first connection is replaced. */
    private static final long PASSWORD_PAUSE_NANOS = 2_000_000_000L;

    private final ServerAddress address;
    private final String username;
    private final String password;
    private final ConnectionLimits limits;
    /** The session's TLS context, shared by all its connections; null for plain STEP. */
    private final ServerTrust trust;
    /** Guards the control connection and the login that replaces it. */
    private final Object controlLock = new Object();
    private volatile StepConnection control;
    private volatile String token;
    private volatile Capabilities capabilities;
    private volatile Optional<StorageUsage> usage;
    private final AtomicInteger logins = new AtomicInteger(1);
    private final Set<StepConnection> connections = ConcurrentHashMap.newKeySet();
    private final SpareConnections spares;
    private final ExecutorService workers;
    private volatile boolean closed;
    private volatile TransferJournal journal;

    private StepSession(ServerAddress address, String username, String password, ConnectionLimits limits,
            ServerTrust trust, Login login) {
        this.address = address;
        this.username = username;
        this.password = password;
        this.limits = limits;
        this.trust = trust;
        this.control = login.connection();
        this.token = login.token();
        this.capabilities = login.capabilities();
        this.usage = login.usage();
        this.spares = new SpareConnections(limits.connectTimeout());
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fita-transfer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private record Login(StepConnection connection, String token, Capabilities capabilities,
            Optional<StorageUsage> usage) {
    }

    /** Sees what the session asks of its server on the control connection and what it answers, for a message log. */
    public interface Trace {
        /** {@code request} as sent (hiding its token is the receiver's business) and {@code reply} as received. */
        void exchanged(ServerAddress server, JsonObject request, StepMessage reply);

        /** The session logged in again: the server had closed the connection, restarted or refused the token. */
        default void loggedInAgain(ServerAddress server, int logins) {
        }
    }

    private volatile Trace trace;

    /** Reports each control request and its reply to {@code trace} from now on; null stops it. */
    public void trace(Trace trace) {
        this.trace = trace;
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
        return connect(address, username, password, ConnectionLimits.DEFAULTS);
    }

    /** As {@link #connect(ServerAddress, String, String)}, with other waiting limits. */
    public static StepSession connect(ServerAddress address, String username, String password, ConnectionLimits limits)
            throws StepException {
        return connect(address, username, password, limits, ConnectionSecurity.defaults());
    }

    /**
     * Connects with TLS or not as {@code security} says (a server remembered in its
     * {@code known_servers} always with TLS), and logs in. An unknown certificate is put to the
     * security's prompt, if it has one, and the connection is then made again.
     *
     * @throws ServerIdentityException the server's certificate is not trusted, or a plain connection
     *                                 is not allowed: nothing was sent
     */
    public static StepSession connect(ServerAddress address, String username, String password, ConnectionLimits limits,
            ConnectionSecurity security) throws StepException {
        return connect(address, username, () -> password, limits, security);
    }

    /**
     * As {@link #connect(ServerAddress, String, String, ConnectionLimits, ConnectionSecurity)}, asking
     * for the password only once the server's identity is settled, as ssh does: a person is asked
     * about an unknown certificate before typing a password for it.
     */
    public static StepSession connect(ServerAddress address, String username, Supplier<String> password,
            ConnectionLimits limits, ConnectionSecurity security) throws StepException {
        if (Names.usernameProblem(username).isPresent()) {
            throw new AuthenticationException(Names.usernameProblem(username).get(), -1);
        }
        ServerTrust trust = null;
        if (ServerTrust.wanted(address, security)) {
            trust = ServerTrust.create(address, security);
        } else if (security.requireTlsExceptLoopback() && !ServerTrust.isLoopback(address.host())) {
            throw new ServerIdentityException("A plain connection to " + address + " was not made: TLS is required for"
                    + " servers other than this computer.", ServerIdentityException.Reason.TLS_REQUIRED, address, null,
                    null, null, security.knownServers().file(), null);
        }
        StepConnection connection = openTrusted(address, limits, security, trust);
        String secret;
        long asking = System.nanoTime();
        try {
            secret = password.get();
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
        if (System.nanoTime() - asking > PASSWORD_PAUSE_NANOS) {
            // A person typed: the server may have dropped the connection for its login grace time meanwhile.
            connection.close();
            connection = StepConnection.open(address, limits, trust);
        }
        return new StepSession(address, username, secret, limits, trust, login(connection, address, username, secret));
    }

    /** Opens the first connection; an unknown certificate goes to the prompt, and then the connection is made again. */
    private static StepConnection openTrusted(ServerAddress address, ConnectionLimits limits, ConnectionSecurity security,
            ServerTrust trust) throws StepException {
        try {
            return StepConnection.open(address, limits, trust);
        } catch (ServerIdentityException e) {
            ServerTrustPrompt prompt = security.prompt();
            if (e.reason() != ServerIdentityException.Reason.UNKNOWN || prompt == null || e.fingerprint().isEmpty()
                    || e.certificate().isEmpty()) {
                throw e;
            }
            ServerTrustPrompt.Answer answer = prompt.ask(address, e.fingerprint().get(), e.certificate().get());
            switch (answer == null ? ServerTrustPrompt.Answer.REFUSE : answer) {
                case TRUST_ONCE -> trust.trustOnce(e.fingerprint().get());
                case TRUST_ALWAYS -> {
                    try {
                        security.knownServers().remember(address, e.fingerprint().get());
                    } catch (IOException io) {
                        throw new StepException.LocalFileException("Cannot write " + security.knownServers().file()
                                + ": " + io.getMessage(), io);
                    }
                }
                case REFUSE -> throw new ServerIdentityException("The certificate of " + address + " ("
                        + e.fingerprint().get() + ") was not trusted; nothing was sent.",
                        ServerIdentityException.Reason.REFUSED_BY_USER, address, e.certificate().get(),
                        e.fingerprint().get(), null, security.knownServers().file(), null);
            }
            return StepConnection.open(address, limits, trust);
        }
    }

    private static Login login(ServerAddress address, String username, String password, ConnectionLimits limits,
            ServerTrust trust) throws StepException {
        return login(StepConnection.open(address, limits, trust), address, username, password);
    }

    private static Login login(StepConnection connection, ServerAddress address, String username, String password)
            throws StepException {
        try {
            StepMessage reply = connection.call(Requests.fita(Requests.login(username, password)));
            if (!reply.isOk()) {
                throw StepException.fromReply(reply, "Login to " + address + " as \"" + username + "\"");
            }
            String token = reply.string(Fields.TOKEN).orElseThrow(
                    () -> new ProtocolViolationException("The server at " + address
                            + " accepted the login but sent no token."));
            if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS
                    || token.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
                throw new ProtocolViolationException("The server at " + address + " sent a token of " + token.length()
                        + " characters that is not printable ASCII of 1 to " + MAX_TOKEN_CHARS + " characters.");
            }
            Capabilities capabilities = Capabilities.fromLogin(reply);
            return new Login(connection, token, capabilities, StorageUsage.fromLogin(reply, capabilities));
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

    /** The current token; it changes when the session logs in again. */
    public String token() {
        return token;
    }

    /** The user's storage and quota as of the last login, where the server tells (the quota extension). */
    public Optional<StorageUsage> usage() {
        return usage;
    }

    public Capabilities capabilities() {
        return capabilities;
    }

    public ConnectionLimits limits() {
        return limits;
    }

    /** Whether this session's connections run over TLS. */
    public boolean isTls() {
        return trust != null;
    }

    /**
     * What TLS negotiated on the control connection of the last login (protocol, cipher suite, the
     * server's fingerprint and why it was trusted); empty for plain STEP.
     */
    public Optional<TlsInfo> tls() {
        StepConnection c = control;
        return c == null ? Optional.empty() : c.tls();
    }

    /**
     * Whether this plain session's server said that its port also accepts TLS: the password just
     * crossed the network in clear, and the next connection could use TLS.
     */
    public boolean offersTls() {
        return trust == null && capabilities.has(Extensions.TLS);
    }

    /** How many times this session has logged in (1 after {@link #connect}). */
    public int logins() {
        return logins.get();
    }

    /** Whether {@link #close()} was called: a closed session does nothing more. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Whether the control connection is open as far as this side knows (the server may have closed
     * it meanwhile: the next request then reconnects).
     */
    public boolean isConnected() {
        synchronized (controlLock) {
            return !closed && control != null && !control.isClosed();
        }
    }

    /**
     * Closes the control connection now, to free it while the session is not used; the session stays
     * open and the next request connects and logs in again.
     */
    public void disconnect() {
        StepConnection c = control;
        if (c != null) {
            c.close();
        }
    }

    /** Records unfinished transfers there, so that they can resume after a crash; null turns it off. */
    public void useJournal(TransferJournal journal) {
        this.journal = journal;
    }

    TransferJournal journal() {
        return journal;
    }

    ExecutorService workers() {
        return workers;
    }

    private void checkOpen() throws ConnectionException {
        if (closed) {
            throw new ConnectionException("The session with " + address + " as \"" + username
                    + "\" was closed; connect again.", null);
        }
    }

    /**
     * Starts opening {@code count} connections for the lanes of a transfer about to ask for its plan,
     * so that they connect while the plan is on its way; {@link #openConnection()} hands them out.
     */
    void openAhead(int count) {
        if (!closed) {
            spares.openAhead(Math.min(count, TransferOptions.MAX_CONNECTIONS), this::openNewConnection);
        }
    }

    /** A connection for a transfer, one opened ahead if there is one; closing the session closes it. */
    StepConnection openConnection() throws StepException {
        checkOpen();
        try {
            StepConnection spare = spares.take();
            if (spare != null) {
                return spare;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepException.CancelledException("Connecting to " + address + " was interrupted.");
        }
        return openNewConnection();
    }

    private StepConnection openNewConnection() throws StepException {
        checkOpen();
        StepConnection c = StepConnection.open(address, limits, trust);
        connections.add(c);
        c.onClose(connections::remove);
        if (closed) {
            c.close();
            checkOpen();
        }
        return c;
    }

    /**
     * Logs in again unless that happened since {@code staleToken} was handed out, so that many lanes
     * refused at once cause one login. The new login's connection becomes the control connection.
     */
    void refreshToken(String staleToken) throws StepException {
        synchronized (controlLock) {
            checkOpen();
            if (!token.equals(staleToken)) {
                return;
            }
            relogin();
        }
    }

    /** Caller holds controlLock. */
    private void relogin() throws StepException {
        Login login = login(address, username, password, limits, trust);
        if (control != null) {
            control.close();
        }
        control = login.connection();
        token = login.token();
        capabilities = login.capabilities();
        usage = login.usage();
        int count = logins.incrementAndGet();
        Trace t = trace;
        if (t != null) {
            t.loggedInAgain(address, count);
        }
        if (closed) {
            control.close();
        }
    }

    /**
     * Sends a request on the control connection, FiTA-marked for a FiTA server, with the current token
     * (if it carries one), and returns the OK reply, or throws. A closed or broken connection is
     * reopened with a new login, and a refused token renewed, once each; the request is then repeated.
     */
    StepMessage control(JsonObject request, String what) throws StepException {
        boolean reconnected = false;
        boolean renewed = false;
        while (true) {
            StepMessage reply;
            String used;
            synchronized (controlLock) {
                checkOpen();
                try {
                    if (control == null || control.isClosed()) {
                        relogin();
                    }
                    used = token;
                    if (request.has(Fields.TOKEN)) {
                        request.addProperty(Fields.TOKEN, used);
                    }
                    reply = control.call(capabilities.isFita() ? Requests.fita(request) : request);
                    Trace t = trace;
                    if (t != null) {
                        t.exchanged(address, request, reply);
                    }
                } catch (ConnectionException e) {
                    if (control != null) {
                        control.close();
                    }
                    // A reply that timed out may still come: repeating could act twice, and wait twice.
                    if (reconnected || closed || e instanceof StepException.TimeoutException
                            || e instanceof StepException.UnknownHostException
                            || e instanceof StepException.TlsHandshakeException) {
                        throw e;
                    }
                    reconnected = true;
                    continue;
                }
            }
            if (reply.status() == 403 && request.has(Fields.TOKEN) && !renewed) {
                renewed = true;
                refreshToken(used);
                continue;
            }
            if (!reply.isOk()) {
                throw StepException.fromReply(reply, what);
            }
            return reply;
        }
    }

    /** Every finished file whose key starts with {@code prefix} (null for all), in key order. */
    public List<RemoteFile> list(String prefix) throws StepException {
        return list(prefix, MAX_LIST_FILES);
    }

    /**
     * As {@link #list(String)}, refusing a listing of more than {@code maxFiles} files. A server whose
     * pages do not advance, overflow or come out of order breaks the protocol.
     */
    public List<RemoteFile> list(String prefix, int maxFiles) throws StepException {
        if (!capabilities.has(Extensions.LIST)) {
            throw new UnsupportedException("The server at " + address + " is a classic STEP server: it has no way to "
                    + "list files. Only keys you know (for example those you uploaded) can be fetched.");
        }
        int pageLimit = Math.max(1, Math.min(1000, capabilities.maxListPage() > 0 ? capabilities.maxListPage() : 1000));
        List<RemoteFile> files = new ArrayList<>();
        String after = null;
        do {
            StepMessage page = control(Requests.list(token, prefix, after, pageLimit), "Listing files");
            if (!(page.json().get(Fields.FILES) instanceof JsonArray entries)) {
                throw new ProtocolViolationException("The server at " + address + " answered LIST without a \"files\" array.");
            }
            if (entries.size() > pageLimit) {
                throw new ProtocolViolationException("The server at " + address + " sent a LIST page of " + entries.size()
                        + " files, more than the " + pageLimit + " asked for.");
            }
            String next = page.string(Fields.NEXT_AFTER).orElse(null);
            if (next != null && (entries.isEmpty() || after != null && next.compareTo(after) <= 0)) {
                throw new ProtocolViolationException("The server at " + address + " sent a LIST cursor that does not "
                        + "advance (\"" + next + "\" after \"" + after + "\"); the listing was stopped.");
            }
            String previous = after;
            for (JsonElement e : entries) {
                if (!e.isJsonObject()) {
                    throw new ProtocolViolationException("The server at " + address + " sent a LIST entry that is not an object.");
                }
                StepMessage f = new StepMessage(e.getAsJsonObject());
                String key = f.string(Fields.KEY).orElse("");
                if (key.isEmpty() || previous != null && key.compareTo(previous) <= 0) {
                    throw new ProtocolViolationException("The server at " + address + " sent LIST entries out of order"
                            + " or without a key (\"" + key + "\" after \"" + previous + "\").");
                }
                previous = key;
                files.add(new RemoteFile(key, f.integer(Fields.SIZE).orElse(-1), f.string(Fields.MD5).orElse(""),
                        f.integer(Fields.MODIFIED).orElse(-1)));
                if (files.size() > maxFiles) {
                    throw new ProtocolViolationException("The server at " + address + " lists more than " + maxFiles
                            + " files; the listing was stopped there. Ask for a narrower prefix.");
                }
            }
            if (next != null && next.compareTo(previous) < 0) {
                throw new ProtocolViolationException("The server at " + address + " sent a LIST cursor that does not "
                        + "advance (\"" + next + "\" after \"" + after + "\"); the listing was stopped.");
            }
            after = next;
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

    /** Throws {@link StepException.InvalidRequestException} if {@code key} breaks STEP's key rules. */
    public static void checkKey(String key) throws StepException {
        if (Names.keyProblem(key).isPresent()) {
            throw new StepException.InvalidRequestException(Names.keyProblem(key).get());
        }
    }

    /** Starts uploading {@code file} under {@code key}; the returned transfer reports and can be awaited. */
    public Transfer upload(Path file, String key, TransferOptions options, TransferListener listener)
            throws StepException {
        checkKey(key);
        checkOpen();
        Transfer transfer = new Transfer(new TransferInfo("t" + TRANSFER_IDS.incrementAndGet(),
                TransferInfo.Direction.UPLOAD, key, file, address), listener);
        start(transfer, () -> new Retrying(this, transfer, options).run(new Upload(this, transfer, options, workers)::attempt));
        return transfer;
    }

    /** Starts downloading {@code key} to {@code target} (through {@code target.part}). */
    public Transfer download(String key, Path target, TransferOptions options, TransferListener listener)
            throws StepException {
        checkKey(key);
        checkOpen();
        Transfer transfer = new Transfer(new TransferInfo("t" + TRANSFER_IDS.incrementAndGet(),
                TransferInfo.Direction.DOWNLOAD, key, target, address), listener);
        start(transfer, () -> new Retrying(this, transfer, options).run(new Download(this, transfer, options, workers)::attempt));
        return transfer;
    }

    private void start(Transfer transfer, Runnable run) throws ConnectionException {
        try {
            workers.execute(run);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            checkOpen();
            throw new ConnectionException("The session with " + address + " cannot start more transfers.", e);
        }
    }

    /**
     * Closes every connection this session opened (control and transfer connections) and stops its
     * threads: transfers still running fail, and resume from what the other side holds when run on
     * another session.
     */
    @Override
    public void close() {
        closed = true;
        StepConnection c = control;
        if (c != null) {
            c.close();
        }
        for (StepConnection t : List.copyOf(connections)) {
            t.close();
        }
        workers.shutdownNow();
    }
}
