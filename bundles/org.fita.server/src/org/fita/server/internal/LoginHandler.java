package org.fita.server.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import org.fita.protocol.Blocks;
import org.fita.protocol.Extensions;
import org.fita.protocol.Fields;
import org.fita.protocol.MessageType;
import org.fita.protocol.Names;
import org.fita.protocol.Operation;
import org.fita.protocol.Replies;
import org.fita.protocol.Status;
import org.fita.protocol.StepMessage;
import org.fita.server.ServerConfig;
import org.fita.server.auth.AuthMode;
import org.fita.server.auth.Authenticator;
import org.fita.server.auth.TokenService;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.Usage;

/** LOGIN (STEP-PROTOCOL 5.1): checks in the reference's order; a FiTA request also learns the extensions. */
final class LoginHandler implements OperationHandler {
    private final ServerConfig config;
    private final BlobStore store;
    private final TokenService tokens;
    private final Authenticator authenticator;
    private final String serverName;

    LoginHandler(ServerConfig config, BlobStore store, TokenService tokens, Authenticator authenticator,
            String serverName) {
        this.config = config;
        this.store = store;
        this.tokens = tokens;
        this.authenticator = authenticator;
        this.serverName = serverName;
    }

    @Override
    public Operation refusalOperation() {
        return Operation.LOGIN;
    }

    @Override
    public MessageType type() {
        return MessageType.AUTH;
    }

    @Override
    public Reply handle(Request r) throws IOException, Refused {
        StepMessage m = r.message();
        if (r.type() != MessageType.AUTH) {
            throw new Refused(Status.TYPE_NOT_ALLOWED, "Type of LOGIN has to be AUTH.");
        }
        if (!m.has(Fields.USERNAME)) {
            throw new Refused(Status.FIELD_MISSING, "\"username\" has to be a field for LOGIN");
        }
        if (!m.has(Fields.PASSWORD)) {
            throw new Refused(Status.FIELD_MISSING, "\"password\" has to be a field for LOGIN");
        }
        String username = m.string(Fields.USERNAME).orElse(null);
        if (username == null) {
            throw new Refused(Status.INVALID_VALUE, "\"username\" has to be a string.");
        }
        String problem = Names.usernameProblem(username).orElse(null);
        if (problem != null) {
            throw new Refused(Status.INVALID_VALUE, problem);
        }
        // From here on the reply names the user, for the log and the server's events.
        String password = m.string(Fields.PASSWORD).orElse(null);
        if (password == null) {
            throw new Refused(Status.INVALID_VALUE, "\"password\" has to be a string.", username);
        }
        Authenticator.LoginResult result = authenticator.login(username, password, r.from());
        if (result instanceof Authenticator.Throttled t) {
            throw new Refused(Status.TOO_MANY_CONNECTIONS, throttledMessage(t, username), username);
        }
        if (result instanceof Authenticator.Rejected) {
            throw new Refused(Status.PASSWORD_ERROR, authenticator.mode() == AuthMode.CLASSIC
                    ? "\"Password error for login."
                    : "Wrong username or password.", username);
        }
        Replies ok = Replies.of(Operation.LOGIN, MessageType.AUTH, Status.OK, "Login successfully")
                .with(Fields.TOKEN, tokens.issue(username));
        if (r.fita()) {
            announce(ok, username);
        }
        return Reply.of(ok.build(), username);
    }

    /** The LOGIN reply fields that tell a FiTA client what this server offers. */
    private void announce(Replies ok, String username) {
        JsonArray names = new JsonArray();
        Extensions.ALL.forEach(names::add);
        if (config.tls()) {
            // Over plain STEP this tells a FiTA client it could switch; over TLS it knows already.
            names.add(Extensions.TLS);
        }
        JsonObject limits = new JsonObject();
        limits.addProperty("min_block_size", Blocks.MIN_BLOCK_SIZE);
        limits.addProperty("max_block_size", config.maxBlockSize());
        limits.addProperty("max_file_size", config.maxFileSize());
        limits.addProperty("max_json_bytes", config.maxJsonBytes());
        limits.addProperty("max_list_page", ListHandler.MAX_PAGE);
        limits.addProperty(Fields.MAX_INLINE_BYTES, FileSaveHandler.maxInlineBytes(config));
        limits.addProperty(Fields.MAX_BATCH_FILES, Extensions.MAX_BATCH_FILES);
        limits.addProperty(Fields.MAX_BATCH_BYTES, BatchGetHandler.maxBatchBytes(config));
        ok.with(Fields.FITA_VERSION, Extensions.VERSION)
                .with(Fields.SERVER, serverName)
                .with(Fields.EXTENSIONS, names)
                .with(Fields.LIMITS, limits)
                .with(Fields.TOKEN_EXPIRES_IN, config.tokenTtl().toSeconds());
        try {
            Usage usage = store.usage(username);
            JsonObject u = new JsonObject();
            u.addProperty("stored_bytes", usage.storedBytes());
            u.addProperty("promised_bytes", usage.promisedBytes());
            u.addProperty("quota_bytes", usage.quotaBytes());
            ok.with(Fields.USAGE, u);
        } catch (IOException e) {
            // The login stands; only the figures are missing (the storage will say why on the next request).
        }
    }

    private static String throttledMessage(Authenticator.Throttled t, String username) {
        long seconds = Math.max(1, (t.retryAfter().toMillis() + 999) / 1000);
        String wait = "try again in " + seconds + " s.";
        return switch (t.limit()) {
            case ACCOUNT -> "Too many failed logins for \"" + username + "\"; the password was not checked; " + wait;
            case ADDRESS -> "Too many failed logins from your address; the password was not checked; " + wait;
            case BUSY -> "The server is busy checking other passwords; the password was not checked; " + wait;
        };
    }
}
