package org.fita.server.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.fita.protocol.Direction;
import org.fita.protocol.Fields;
import org.fita.protocol.FrameReader.IncomingFrame;
import org.fita.protocol.MessageType;
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

/**
 * Decodes a request's envelope in the reference's order of checks (STEP-PROTOCOL section 4:
 * easter egg, compulsory fields, direction, operation, type, LOGIN, token) and hands it to the
 * {@link OperationHandler} of its type and operation. Where the reference crashes, stays silent or
 * is unsafe (section 13), a clear reply takes its place. Thread-safe: one instance serves every
 * connection.
 */
public final class RequestHandler {
    private final ServerConfig config;
    private final TokenService tokens;
    private final Authenticator authenticator;
    private final OperationHandler login;
    private final OperationHandler bye = new ByeHandler();
    private final Map<MessageType, Map<Operation, OperationHandler>> handlers = new EnumMap<>(MessageType.class);

    public RequestHandler(ServerConfig config, BlobStore store, TokenService tokens, Authenticator authenticator,
            String serverName) {
        this.config = config;
        this.tokens = tokens;
        this.authenticator = authenticator;
        this.login = new LoginHandler(config, store, tokens, authenticator, serverName);
        add(new DataSaveHandler(store), Operation.SAVE);
        add(new DataGetHandler(store), Operation.GET);
        add(new DataDeleteHandler(store), Operation.DELETE);
        add(new FileSaveHandler(config, store), Operation.SAVE);
        add(new UploadHandler(store), Operation.UPLOAD);
        add(new FileGetHandler(store), Operation.GET);
        add(new DownloadHandler(store), Operation.DOWNLOAD);
        add(new FileDeleteHandler(store), Operation.DELETE);
        add(new ListHandler(store), Operation.LIST);
        add(new BatchGetHandler(config, store), Operation.BATCH_GET);
    }

    private void add(OperationHandler handler, Operation op) {
        handlers.computeIfAbsent(handler.type(), t -> new EnumMap<>(Operation.class)).put(op, handler);
    }

    /**
     * The key of an inline FILE SAVE (the inline-upload extension) that may be stored while the
     * connection reads the requests after it, or null for any other request, which is answered in turn.
     */
    String deferrableKey(IncomingFrame frame) {
        if (config.classicOnly() || frame.binaryLength() > FileSaveHandler.maxInlineBytes(config)) {
            return null;
        }
        StepMessage m = frame.message();
        if (m.fitaVersion() <= 0 || !m.bool(Fields.INLINE).orElse(false)
                || !MessageType.FILE.wireName().equals(m.type()) || !Operation.SAVE.wireName().equals(m.operation())
                || !Direction.REQUEST.wireName().equals(m.direction())) {
            return null;
        }
        return m.key();
    }

    /**
     * Answers a request, and any failure but the connection's own with a reply ({@link Failures}).
     * {@code failed} hears of unexpected failures (answered 500). Throws only when the connection
     * itself failed ({@link Failures#endsConnection}).
     */
    Reply answer(IncomingFrame frame, String from, Consumer<Exception> failed) throws IOException {
        try {
            return handle(frame, from);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IOException io && Failures.endsConnection(io)) {
                throw io;
            }
            failed.accept(e);
            return Failures.unexpected(frame.message(), e);
        }
    }

    /**
     * Answers a request whose binary part is still in the stream; an UPLOAD consumes it.
     * {@code from} is the client's address (for login throttling), or null. Throws for failures
     * {@link Failures} does not map.
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
        boolean optedIn = !config.classicOnly() && m.fitaVersion() > 0;
        if (op.isEmpty() || op.get().isExtension() && !optedIn) {
            return error(Status.OPERATION_NOT_ALLOWED, "Operation " + shown(json.get(Fields.OPERATION)) + " is not allowed");
        }
        Optional<MessageType> type = MessageType.ofRequest(m.type());
        if (type.isEmpty()) {
            return error(Status.TYPE_NOT_ALLOWED, "Type " + shown(json.get(Fields.TYPE)) + " is not allowed");
        }
        Operation operation = op.get();
        if (operation == Operation.LOGIN || operation == Operation.BYE) {
            OperationHandler h = operation == Operation.LOGIN ? login : bye;
            return run(h, new Request(frame, m, operation, type.get(), null, from, config));
        }
        if (m.has(Fields.TOKEN) && m.token() == null) {
            return rejected(operation, "Token format is wrong.");
        }
        TokenCheck check = tokens.check(m.token());
        if (!check.isValid()) {
            return rejected(operation, check.message());
        }
        String user = check.username();
        if (!authenticator.stillExists(user)) {
            return rejected(operation, "The account \"" + user + "\" no longer exists.");
        }
        Request request = new Request(frame, m, operation, type.get(), user, from, config);
        OperationHandler h = handlers.getOrDefault(type.get(), Map.of()).get(operation);
        return h == null ? notAllowed(request) : run(h, request);
    }

    /** Runs a handler, turning its refusals and the storage failures {@link Failures} knows into replies. */
    private static Reply run(OperationHandler h, Request r) throws IOException {
        try {
            return h.handle(r);
        } catch (Refused e) {
            return Reply.of(Replies.of(h.refusalOperation(), h.type(), e.status(), e.getMessage()).build(),
                    e.user() != null ? e.user() : r.user());
        } catch (IOException e) {
            Optional<Status> status = Failures.statusOf(e);
            if (status.isEmpty()) {
                throw e;
            }
            // Named with the request's own operation and type.
            return Reply.of(Replies.of(r.operation(), r.type(), status.get(), e.getMessage()).build(), r.user());
        }
    }

    /** A valid type and operation that do not go together. */
    private static Reply notAllowed(Request r) {
        String op = r.operation().wireName();
        String message = switch (r.type()) {
            case DATA -> "Operation " + op + " is not allowed for type DATA; use SAVE, GET or DELETE.";
            case FILE -> "Operation " + op + " is not allowed for type FILE.";
            default -> "Operation " + op + " is not allowed for type AUTH; only LOGIN and BYE are.";
        };
        return Reply.of(Replies.of(r.operation(), r.type(), Status.OPERATION_NOT_ALLOWED, message).build(), r.user());
    }

    /** 403, named with the request's operation and type AUTH, as the reference's token replies are. */
    private static Reply rejected(Operation op, String message) {
        return Reply.of(Replies.of(op, MessageType.AUTH, Status.TOKEN_REJECTED, message).build(), null);
    }

    private static Reply error(Status status, String message) {
        return Reply.of(Replies.of(Operation.ERROR, MessageType.ERROR, status, message).build(), null);
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
}
