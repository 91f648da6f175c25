package org.fita.server.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.fita.protocol.Blocks;
import org.fita.protocol.Direction;
import org.fita.protocol.Extensions;
import org.fita.protocol.Fields;
import org.fita.protocol.FrameReader.IncomingFrame;
import org.fita.protocol.MessageType;
import org.fita.protocol.Names;
import org.fita.protocol.Operation;
import org.fita.protocol.Replies;
import org.fita.protocol.Status;
import org.fita.protocol.StepJson;
import org.fita.protocol.StepMessage;
import org.fita.server.ServerConfig;
import org.fita.server.auth.Authenticator;
import org.fita.server.auth.TokenCheck;
import org.fita.server.auth.TokenService;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.BlockResult;
import org.fita.server.storage.InsufficientStorageException;
import org.fita.server.storage.ListPage;
import org.fita.server.storage.QuotaExceededException;
import org.fita.server.storage.StoredFile;
import org.fita.server.storage.UploadRestartedException;
import org.fita.server.storage.UploadSession;
import org.fita.server.storage.Usage;

/**
 * Answers one request. The order of checks and the replies to well-formed requests are those of
 * the reference server (STEP-PROTOCOL sections 4 to 9); where the reference crashes, stays silent
 * or is unsafe (section 13), a clear 4xx reply takes its place. Thread-safe: one instance serves
 * every connection.
 */
public final class RequestHandler {
    /** Largest LIST page. */
    static final int MAX_LIST_PAGE = 1000;

    private final ServerConfig config;
    private final BlobStore store;
    private final TokenService tokens;
    private final Authenticator authenticator;
    private final String serverName;

    public RequestHandler(ServerConfig config, BlobStore store, TokenService tokens, Authenticator authenticator,
            String serverName) {
        this.config = config;
        this.store = store;
        this.tokens = tokens;
        this.authenticator = authenticator;
        this.serverName = serverName;
    }

    private boolean extensions() {
        return !config.classicOnly();
    }

    /**
     * Answers a request whose binary part is still in the stream; consumes it if it is an UPLOAD.
     * Throws only for I/O failures of the connection itself. {@code from} is the client's address
     * (for login throttling), or null.
     */
    Reply handle(IncomingFrame frame, String from) throws IOException {
        StepMessage m = frame.message();
        JsonObject json = m.json();

        if (Direction.EARTH.equals(m.direction())) {
            return Reply.of(Replies.of(Operation.THREE_BODY, MessageType.DANGEROUS, Status.DO_NOT_ANSWER,
                    "DO NOT ANSWER! DO NOT ANSWER! DO NOT ANSWER!").build(), null);
        }
        for (String field : new String[] {Fields.OPERATION, Fields.DIRECTION, Fields.TYPE}) {
            if (!json.has(field)) {
                return error(Status.COMPULSORY_FIELD_MISSING, "Compulsory field " + field + " is missing.");
            }
        }
        if (!Direction.REQUEST.wireName().equals(m.direction())) {
            return error(Status.WRONG_DIRECTION, "Wrong direction. Should be \"REQUEST\"");
        }
        Optional<Operation> op = Operation.ofRequest(m.operation());
        // LIST is an extension: only a request that opted in (fita_version) may use it.
        if (op.isEmpty() || op.get() == Operation.LIST && !(extensions() && m.fitaVersion() > 0)) {
            return error(Status.OPERATION_NOT_ALLOWED, "Operation " + shown(json.get(Fields.OPERATION)) + " is not allowed");
        }
        Optional<MessageType> type = MessageType.ofRequest(m.type());
        if (type.isEmpty()) {
            return error(Status.TYPE_NOT_ALLOWED, "Type " + shown(json.get(Fields.TYPE)) + " is not allowed");
        }
        Operation operation = op.get();
        if (operation == Operation.LOGIN) {
            return login(m, type.get(), from);
        }
        if (operation == Operation.BYE) {
            JsonObject bye = Replies.of(Operation.BYE.wireName(), type.get().wireName(), Status.OK, "Bye.").build();
            return new Reply(bye, null, true, null);
        }
        if (m.has(Fields.TOKEN) && m.token() == null) {
            return Reply.of(Replies.of(operation, MessageType.AUTH, Status.TOKEN_REJECTED, "Token format is wrong.")
                    .build(), null);
        }
        TokenCheck check = tokens.check(m.token());
        if (!check.isValid()) {
            return Reply.of(Replies.of(operation, MessageType.AUTH, Status.TOKEN_REJECTED, check.message()).build(), null);
        }
        String user = check.username();
        if (!authenticator.stillExists(user)) {
            return Reply.of(Replies.of(operation, MessageType.AUTH, Status.TOKEN_REJECTED,
                    "The account \"" + user + "\" no longer exists.").build(), null);
        }
        try {
            return switch (type.get()) {
                case DATA -> data(operation, m, user);
                case FILE -> file(operation, m, frame, user);
                default -> Reply.of(Replies.of(operation, MessageType.AUTH, Status.OPERATION_NOT_ALLOWED,
                        "Operation " + operation.wireName() + " is not allowed for type AUTH; only LOGIN and BYE are.")
                        .build(), user);
            };
        } catch (InsufficientStorageException e) {
            return Reply.of(Replies.of(operation, type.get(), Status.INSUFFICIENT_STORAGE, e.getMessage()).build(), user);
        } catch (QuotaExceededException e) {
            return Reply.of(Replies.of(operation, type.get(), Status.QUOTA_EXCEEDED, e.getMessage()).build(), user);
        }
    }

    /** How the reference (Python) shows a value in its messages: strings bare, None, True, False. */
    private static String shown(JsonElement value) {
        if (value == null || value.isJsonNull()) {
            return "None";
        }
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
            return value.getAsString();
        }
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean()) {
            return value.getAsBoolean() ? "True" : "False";
        }
        return StepJson.toText(value);
    }

    private static Reply error(Status status, String message) {
        return Reply.of(Replies.of(Operation.ERROR, MessageType.ERROR, status, message).build(), null);
    }

    private static Reply reply(Operation op, MessageType type, Status status, String message, String user) {
        return Reply.of(Replies.of(op, type, status, message).build(), user);
    }

    // ---------------------------------------------------------------- LOGIN

    private Reply login(StepMessage m, MessageType type, String from) throws IOException {
        Operation op = Operation.LOGIN;
        MessageType auth = MessageType.AUTH;
        if (type != MessageType.AUTH) {
            return reply(op, auth, Status.TYPE_NOT_ALLOWED, "Type of LOGIN has to be AUTH.", null);
        }
        if (!m.has(Fields.USERNAME)) {
            return reply(op, auth, Status.FIELD_MISSING, "\"username\" has to be a field for LOGIN", null);
        }
        if (!m.has(Fields.PASSWORD)) {
            return reply(op, auth, Status.FIELD_MISSING, "\"password\" has to be a field for LOGIN", null);
        }
        Optional<String> username = m.string(Fields.USERNAME);
        if (username.isEmpty()) {
            return reply(op, auth, Status.INVALID_VALUE, "\"username\" has to be a string.", null);
        }
        Optional<String> problem = Names.usernameProblem(username.get());
        if (problem.isPresent()) {
            return reply(op, auth, Status.INVALID_VALUE, problem.get(), null);
        }
        Optional<String> password = m.string(Fields.PASSWORD);
        if (password.isEmpty()) {
            return reply(op, auth, Status.INVALID_VALUE, "\"password\" has to be a string.", username.get());
        }
        Authenticator.LoginResult result = authenticator.login(username.get(), password.get(), from);
        if (result instanceof Authenticator.Throttled t) {
            return reply(op, auth, Status.TOO_MANY_CONNECTIONS, throttledMessage(t, username.get()), username.get());
        }
        if (result instanceof Authenticator.Rejected) {
            String message = authenticator.mode() == org.fita.server.auth.AuthMode.CLASSIC
                    ? "\"Password error for login."
                    : "Wrong username or password.";
            return reply(op, auth, Status.PASSWORD_ERROR, message, username.get());
        }
        Replies ok = Replies.of(op, auth, Status.OK, "Login successfully").with(Fields.TOKEN, tokens.issue(username.get()));
        if (extensions() && m.fitaVersion() > 0) {
            JsonArray names = new JsonArray();
            Extensions.ALL.forEach(names::add);
            JsonObject limits = new JsonObject();
            limits.addProperty("min_block_size", Blocks.MIN_BLOCK_SIZE);
            limits.addProperty("max_block_size", config.maxBlockSize());
            limits.addProperty("max_file_size", config.maxFileSize());
            limits.addProperty("max_json_bytes", config.maxJsonBytes());
            limits.addProperty("max_list_page", MAX_LIST_PAGE);
            ok.with(Fields.FITA_VERSION, Extensions.VERSION)
                    .with(Fields.SERVER, serverName)
                    .with(Fields.EXTENSIONS, names)
                    .with(Fields.LIMITS, limits)
                    .with(Fields.TOKEN_EXPIRES_IN, config.tokenTtl().toSeconds());
            try {
                Usage usage = store.usage(username.get());
                JsonObject u = new JsonObject();
                u.addProperty("stored_bytes", usage.storedBytes());
                u.addProperty("promised_bytes", usage.promisedBytes());
                u.addProperty("quota_bytes", usage.quotaBytes());
                ok.with(Fields.USAGE, u);
            } catch (IOException e) {
                // The login stands; only the figures are missing (the storage will say why on the next request).
            }
        }
        return Reply.of(ok.build(), username.get());
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

    // ---------------------------------------------------------------- DATA

    private Reply data(Operation op, StepMessage m, String user) throws IOException {
        MessageType type = MessageType.DATA;
        switch (op) {
            case SAVE -> {
                String key;
                if (m.has(Fields.KEY)) {
                    Optional<Reply> bad = badKey(op, type, m, user);
                    if (bad.isPresent()) {
                        return bad.get();
                    }
                    key = m.key();
                } else {
                    key = UUID.randomUUID().toString();
                }
                JsonObject record = m.json().deepCopy();
                // A stored token would be handed to whoever reads the record (STEP-PROTOCOL S7).
                record.remove(Fields.TOKEN);
                if (!store.saveData(user, key, record)) {
                    return reply(op, type, Status.KEY_EXISTS, "This key \"" + key + "\" is existing.", user);
                }
                return Reply.of(Replies.of(op, type, Status.OK, "Data is saved with key \"" + key + "\"")
                        .with(Fields.KEY, key).build(), user);
            }
            case GET -> {
                Optional<Reply> refused = keyRefusal(op, type, m, user, "Field \"key\" is missing for DATA GET.");
                if (refused.isPresent()) {
                    return refused.get();
                }
                Optional<JsonObject> stored = store.getData(user, m.key());
                if (stored.isEmpty()) {
                    return reply(op, type, Status.NOT_FOUND, "The key " + m.key() + " is not existing.", user);
                }
                JsonObject out = stored.get();
                out.remove(Fields.TOKEN);
                // Overwrite in place, as the reference's dict update does, then append what is new.
                out.addProperty(Fields.OPERATION, Operation.GET.wireName());
                out.addProperty(Fields.DIRECTION, Direction.RESPONSE.wireName());
                out.addProperty(Fields.STATUS, Status.OK.code());
                out.addProperty(Fields.STATUS_MSG, "OK");
                out.addProperty(Fields.TYPE, type.wireName());
                return Reply.of(out, user);
            }
            case DELETE -> {
                Optional<Reply> refused = keyRefusal(op, type, m, user, "Field \"key\" is missing for DATA delete.");
                if (refused.isPresent()) {
                    return refused.get();
                }
                if (!store.deleteData(user, m.key())) {
                    return reply(op, type, Status.NOT_FOUND, "The \"key\" " + m.key() + " is not existing.", user);
                }
                return Reply.of(Replies.of(op, type, Status.OK, "The \"key\" " + m.key() + " is deleted.")
                        .with(Fields.KEY, m.key()).build(), user);
            }
            default -> {
                return reply(op, type, Status.OPERATION_NOT_ALLOWED, "Operation " + op.wireName()
                        + " is not allowed for type DATA; use SAVE, GET or DELETE.", user);
            }
        }
    }

    /**
     * The reply refusing a request whose key is missing ({@code missingMessage}, status 410) or
     * unusable (411), if it is.
     */
    private static Optional<Reply> keyRefusal(Operation op, MessageType type, StepMessage m, String user,
            String missingMessage) {
        if (!m.has(Fields.KEY)) {
            return Optional.of(reply(op, type, Status.FIELD_MISSING, missingMessage, user));
        }
        return badKey(op, type, m, user);
    }

    /** A reply refusing the request's key, if it is not a string or breaks the key rules. */
    private static Optional<Reply> badKey(Operation op, MessageType type, StepMessage m, String user) {
        if (m.key() == null) {
            return Optional.of(reply(op, type, Status.INVALID_VALUE, "Field \"key\" has to be a string.", user));
        }
        return Names.keyProblem(m.key()).map(problem -> reply(op, type, Status.INVALID_VALUE, problem, user));
    }

    // ---------------------------------------------------------------- FILE

    private Reply file(Operation op, StepMessage m, IncomingFrame frame, String user) throws IOException {
        return switch (op) {
            case SAVE -> fileSave(m, user);
            case UPLOAD -> upload(m, frame, user);
            case GET -> fileGet(m, user);
            case DOWNLOAD -> download(m, user);
            case DELETE -> fileDelete(m, user);
            case LIST -> list(m, user);
            default -> reply(op, MessageType.FILE, Status.OPERATION_NOT_ALLOWED,
                    "Operation " + op.wireName() + " is not allowed for type FILE.", user);
        };
    }

    /** The block size a FiTA request asks for in {@code block_size}, or the classic one. */
    private OptionalLong requestedBlockSize(StepMessage m) {
        if (!extensions() || m.fitaVersion() == 0 || !m.has(Fields.BLOCK_SIZE)) {
            return OptionalLong.of(Blocks.CLASSIC_BLOCK_SIZE);
        }
        OptionalLong bs = m.integer(Fields.BLOCK_SIZE);
        if (bs.isEmpty() || bs.getAsLong() < Blocks.MIN_BLOCK_SIZE || bs.getAsLong() > config.maxBlockSize()) {
            return OptionalLong.empty();
        }
        return bs;
    }

    private String blockSizeRule() {
        return "\"block_size\" has to be an integer from " + Blocks.MIN_BLOCK_SIZE + " to " + config.maxBlockSize() + ".";
    }

    private Reply fileSave(StepMessage m, String user) throws IOException {
        Operation op = Operation.SAVE;
        MessageType type = MessageType.FILE;
        String key;
        if (m.has(Fields.KEY)) {
            Optional<Reply> bad = badKey(op, type, m, user);
            if (bad.isPresent()) {
                return bad.get();
            }
            key = m.key();
        } else {
            key = UUID.randomUUID().toString();
        }
        boolean fita = extensions() && m.fitaVersion() > 0;
        boolean replace = fita && m.bool(Fields.REPLACE).orElse(false);
        if (!replace && store.stat(user, key).isPresent()) {
            return reply(op, type, Status.KEY_EXISTS, "This \"key\" " + key + " is existing.", user);
        }
        if (!m.has(Fields.SIZE)) {
            return reply(op, type, Status.KEY_EXISTS, "This file \"size\" has to be included", user);
        }
        OptionalLong size = m.integer(Fields.SIZE);
        if (size.isEmpty() || size.getAsLong() < 0) {
            return reply(op, type, Status.INVALID_VALUE, "\"size\" has to be an integer of 0 or more bytes.", user);
        }
        if (size.getAsLong() > config.maxFileSize()) {
            return reply(op, type, Status.TOO_LARGE, "The file is " + size.getAsLong()
                    + " bytes; this server accepts files of at most " + config.maxFileSize() + " bytes.", user);
        }
        OptionalLong blockSize = requestedBlockSize(m);
        if (blockSize.isEmpty()) {
            return reply(op, type, Status.INVALID_VALUE, blockSizeRule(), user);
        }
        Replies plan = Replies.of(op, type, Status.OK, "This is the upload plan.")
                .with(Fields.KEY, key)
                .with(Fields.SIZE, m.json().get(Fields.SIZE))
                .with(Fields.TOTAL_BLOCK, Blocks.totalBlocks(size.getAsLong(), (int) blockSize.getAsLong()))
                .with(Fields.BLOCK_SIZE, blockSize.getAsLong());
        if (size.getAsLong() == 0) {
            // No block will ever complete an empty upload, so it completes now (STEP-PROTOCOL B12).
            // With replace, that is the replacement: verified at once (the MD5 of nothing).
            StoredFile empty = store.storeEmpty(user, key);
            plan.with(Fields.MD5, empty.md5());
            return Reply.of(plan.build(), user);
        }
        boolean resume = fita && m.bool(Fields.RESUME).orElse(false);
        UploadSession session = store.beginUpload(user, key, size.getAsLong(), (int) blockSize.getAsLong(), resume,
                replace);
        if (fita) {
            plan.with(Fields.RECEIVED_COUNT, session.receivedCount())
                    .with(Fields.RECEIVED_BITMAP, Base64.getEncoder().encodeToString(session.receivedBitmap()));
        }
        return Reply.of(plan.build(), user);
    }

    private Reply upload(StepMessage m, IncomingFrame frame, String user) throws IOException {
        Operation op = Operation.UPLOAD;
        MessageType type = MessageType.FILE;
        Optional<Reply> refused = keyRefusal(op, type, m, user, "Field \"key\" is missing for FILE uploading.");
        if (refused.isPresent()) {
            return refused.get();
        }
        String key = m.key();
        // A finished key takes blocks only for an upload replacing it (the replace extension).
        if (store.stat(user, key).isPresent() && !store.hasUnfinished(user, key)) {
            return reply(op, type, Status.OPERATION_NOT_ALLOWED, "The \"key\" " + key + " is completely uploaded.", user);
        }
        Optional<UploadSession> found = store.findUpload(user, key);
        if (found.isEmpty()) {
            return reply(op, type, Status.OPERATION_NOT_ALLOWED, "The \"key\" " + key + " is not accepted for uploading.", user);
        }
        UploadSession session = found.get();
        if (!m.has(Fields.BLOCK_INDEX)) {
            return reply(op, type, Status.FIELD_MISSING, "The \"block_index\" is compulsory.", user);
        }
        OptionalLong index = m.integer(Fields.BLOCK_INDEX);
        if (index.isEmpty()) {
            return reply(op, type, Status.INVALID_VALUE, "The \"block_index\" has to be an integer.", user);
        }
        long i = index.getAsLong();
        if (i >= session.totalBlocks()) {
            return reply(op, type, Status.BLOCK_INDEX_OVER_MAX, "The \"block_index\" exceed the max index.", user);
        }
        if (i < 0) {
            return reply(op, type, Status.FIELD_MISSING, "The \"block_index\" should >= 0.", user);
        }
        int expected = Blocks.length(session.size(), session.blockSize(), i);
        if (frame.binaryLength() != expected) {
            return reply(op, type, Status.BLOCK_SIZE_WRONG, "The \"block_size\" is wrong.", user);
        }
        Integer crc = null;
        // Checked whenever present: a classic client never sends the field, and a wrong one must not be stored.
        if (extensions() && m.has(Fields.BLOCK_CRC32C)) {
            Optional<Integer> parsed = m.string(Fields.BLOCK_CRC32C).flatMap(RequestHandler::parseCrc);
            if (parsed.isEmpty()) {
                return reply(op, type, Status.INVALID_VALUE,
                        "\"block_crc32c\" has to be 8 hexadecimal digits.", user);
            }
            crc = parsed.get();
        }
        BlockResult result;
        try {
            result = session.writeBlock(i, frame.binary(), expected, crc);
        } catch (UploadRestartedException e) {
            return reply(op, type, Status.OPERATION_NOT_ALLOWED, e.getMessage(), user);
        }
        if (result.outcome() == BlockResult.Outcome.CHECKSUM_MISMATCH) {
            return reply(op, type, Status.CHECKSUM_MISMATCH, "The block " + i
                    + " does not match its CRC-32C; it was not recorded as received. Send it again.", user);
        }
        Replies ok = Replies.of(op, type, Status.OK, "The block " + i + " is uploaded.")
                .with(Fields.KEY, key).with(Fields.BLOCK_INDEX, i);
        if (result.completed() != null) {
            ok.with(Fields.MD5, result.completed().md5());
        }
        return Reply.of(ok.build(), user);
    }

    private static final java.util.regex.Pattern CRC_HEX = java.util.regex.Pattern.compile("[0-9a-fA-F]{8}");

    private static Optional<Integer> parseCrc(String hex) {
        if (!CRC_HEX.matcher(hex).matches()) {
            return Optional.empty();
        }
        return Optional.of((int) Long.parseLong(hex, 16));
    }

    private Reply fileGet(StepMessage m, String user) throws IOException {
        Operation op = Operation.GET;
        MessageType type = MessageType.FILE;
        Optional<Reply> refused = keyRefusal(op, type, m, user, "Field \"key\" is missing for FILE GET.");
        if (refused.isPresent()) {
            return refused.get();
        }
        String key = m.key();
        Optional<StoredFile> file = store.stat(user, key);
        if (file.isEmpty()) {
            String why = store.hasUnfinished(user, key) ? " is not completely uploaded." : " is not existing.";
            return reply(op, type, Status.NOT_FOUND, "The key " + key + why, user);
        }
        OptionalLong blockSize = requestedBlockSize(m);
        if (blockSize.isEmpty()) {
            return reply(op, type, Status.INVALID_VALUE, blockSizeRule(), user);
        }
        StoredFile f = file.get();
        return Reply.of(Replies.of(op, type, Status.OK, "OK. This is the download plan.")
                .with(Fields.KEY, key)
                .with(Fields.SIZE, f.size())
                .with(Fields.TOTAL_BLOCK, Blocks.totalBlocks(f.size(), (int) blockSize.getAsLong()))
                .with(Fields.BLOCK_SIZE, blockSize.getAsLong())
                .with(Fields.MD5, f.md5())
                .build(), user);
    }

    private Reply download(StepMessage m, String user) throws IOException {
        // The reference labels every DOWNLOAD error "GET" (STEP-PROTOCOL B7); classic clients may match it.
        Operation errOp = Operation.GET;
        MessageType type = MessageType.FILE;
        Optional<Reply> refused = keyRefusal(errOp, type, m, user, "Field \"key\" is missing for FILE downloading.");
        if (refused.isPresent()) {
            return refused.get();
        }
        String key = m.key();
        Optional<StoredFile> file = store.stat(user, key);
        if (file.isEmpty()) {
            String message = store.hasUnfinished(user, key)
                    ? "The \"key\" " + key + " is not completely uploaded. Please upload it first"
                    : "The \"key\" " + key + " is not existing.";
            return reply(errOp, type, Status.NOT_FOUND, message, user);
        }
        if (!m.has(Fields.BLOCK_INDEX)) {
            return reply(errOp, type, Status.FIELD_MISSING, "The \"block_index\" is compulsory.", user);
        }
        OptionalLong index = m.integer(Fields.BLOCK_INDEX);
        if (index.isEmpty()) {
            return reply(errOp, type, Status.INVALID_VALUE, "The \"block_index\" has to be an integer.", user);
        }
        OptionalLong blockSize = requestedBlockSize(m);
        if (blockSize.isEmpty()) {
            return reply(errOp, type, Status.INVALID_VALUE, blockSizeRule(), user);
        }
        StoredFile f = file.get();
        int bs = (int) blockSize.getAsLong();
        long i = index.getAsLong();
        if (i >= Blocks.totalBlocks(f.size(), bs)) {
            return reply(errOp, type, Status.FIELD_MISSING, "The \"block_index\" exceed the max index.", user);
        }
        if (i < 0) {
            return reply(errOp, type, Status.FIELD_MISSING, "The \"block_index\" should >= 0.", user);
        }
        int length = Blocks.length(f.size(), bs, i);
        Replies ok = Replies.of(Operation.DOWNLOAD, type, Status.OK, "An available block.")
                .with(Fields.BLOCK_INDEX, i).with(Fields.KEY, key).with(Fields.SIZE, length);
        boolean crc = extensions() && m.fitaVersion() > 0 && m.bool(Fields.WANT_CRC32C).orElse(false);
        // The connection fills in block_crc32c when it reads the bytes, if this placeholder is present.
        if (crc) {
            ok.with(Fields.BLOCK_CRC32C, "");
        }
        return new Reply(ok.build(), new Reply.Block(user, f, i * bs, length), false, user);
    }

    private Reply fileDelete(StepMessage m, String user) throws IOException {
        // Every FILE DELETE reply says "GET" in the reference (STEP-PROTOCOL B7); classic clients may match it.
        Operation op = Operation.GET;
        MessageType type = MessageType.FILE;
        Optional<Reply> refused = keyRefusal(op, type, m, user, "Field \"key\" is missing for FILE delete.");
        if (refused.isPresent()) {
            return refused.get();
        }
        String key = m.key();
        if (extensions() && m.fitaVersion() > 0 && m.bool(Fields.REPLACE).orElse(false)
                && store.stat(user, key).isPresent()) {
            // Cancels only a pending replacement; the stored file stays.
            if (store.deleteUnfinished(user, key)) {
                return Reply.of(Replies.of(op, type, Status.OK, "The replacement of \"key\" " + key
                        + " is cancelled; the stored file is kept.").with(Fields.KEY, key).build(), user);
            }
            return reply(op, type, Status.NOT_FOUND, "The \"key\" " + key + " has no replacement in progress.", user);
        }
        if (store.deleteFile(user, key)) {
            store.deleteUnfinished(user, key); // a pending replacement goes with the file
            return Reply.of(Replies.of(op, type, Status.OK, "The \"key\" " + key + " is deleted.")
                    .with(Fields.KEY, key).build(), user);
        }
        if (store.deleteUnfinished(user, key)) {
            return reply(op, type, Status.NOT_FOUND,
                    "The \"key\" " + key + " is not completely uploaded. The tmp files are deleted.", user);
        }
        return reply(op, type, Status.NOT_FOUND, "The \"key\" " + key + " is not existing.", user);
    }

    private Reply list(StepMessage m, String user) throws IOException {
        Operation op = Operation.LIST;
        MessageType type = MessageType.FILE;
        for (String field : new String[] {Fields.PREFIX, Fields.AFTER}) {
            if (m.has(field) && m.string(field).isEmpty()) {
                return reply(op, type, Status.INVALID_VALUE, "\"" + field + "\" has to be a string.", user);
            }
        }
        long limit = MAX_LIST_PAGE;
        if (m.has(Fields.LIMIT)) {
            OptionalLong asked = m.integer(Fields.LIMIT);
            if (asked.isEmpty() || asked.getAsLong() < 1 || asked.getAsLong() > MAX_LIST_PAGE) {
                return reply(op, type, Status.INVALID_VALUE,
                        "\"limit\" has to be an integer from 1 to " + MAX_LIST_PAGE + ".", user);
            }
            limit = asked.getAsLong();
        }
        ListPage page = store.list(user, m.string(Fields.PREFIX).orElse(null), m.string(Fields.AFTER).orElse(null),
                (int) limit);
        JsonArray files = new JsonArray();
        for (StoredFile f : page.files()) {
            JsonObject entry = new JsonObject();
            entry.addProperty(Fields.KEY, f.key());
            entry.addProperty(Fields.SIZE, f.size());
            entry.addProperty(Fields.MD5, f.md5());
            entry.addProperty(Fields.MODIFIED, f.modified());
            files.add(entry);
        }
        Replies ok = Replies.of(op, type, Status.OK, "OK. This is a page of " + files.size() + " files.")
                .with(Fields.FILES, files);
        if (page.nextAfter() != null) {
            ok.with(Fields.NEXT_AFTER, page.nextAfter());
        }
        return Reply.of(ok.build(), user);
    }

}
