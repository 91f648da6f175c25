package org.fita.server.internal;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.fita.protocol.Fields;
import org.fita.protocol.FrameLimits;
import org.fita.protocol.FrameReader;
import org.fita.protocol.FrameReader.IncomingFrame;
import org.fita.protocol.FrameWriter;
import org.fita.protocol.MalformedFrameException;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.fita.server.ServerConfig;
import org.fita.server.StepServer;
import org.fita.server.auth.AccountStore;
import org.fita.server.auth.Authenticator;
import org.fita.server.auth.PasswordHasher;
import org.fita.server.auth.TokenService;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.LocalBlobStore;
import org.fita.server.storage.PrivateFiles;
import org.fita.server.test.ServerFixture;

/**
 * A server's request handling without sockets, in the manner of Netty's EmbeddedChannel: request
 * frames go in as bytes and reply frames come out as bytes, through the decoding, handlers and
 * reply writer a connection uses, over a real store in a temporary folder. No threads, no ports.
 */
final class EmbeddedServer implements AutoCloseable {
    /** One reply as written: its JSON text byte for byte, parsed, its binary part, and whether the connection closes after it. */
    record Out(String text, StepMessage message, byte[] binary, boolean closes) {
        int status() {
            return message.status();
        }

        String statusMessage() {
            return message.statusMessage();
        }

        String operation() {
            return message.operation();
        }

        String type() {
            return message.type();
        }
    }

    final Path root;
    final ServerConfig config;
    final LocalBlobStore store;
    private final Authenticator authenticator;
    private final RequestHandler handler;
    private final ReplyWriter replies;
    private final FrameLimits limits;
    /** Unexpected failures the handler reported (each answered 500). */
    final List<Exception> failures = new CopyOnWriteArrayList<>();

    private EmbeddedServer(Path root, ServerConfig config, UnaryOperator<BlobStore> storeView) throws IOException {
        this.root = root;
        this.config = config;
        // Built as StepServer.open builds them.
        PrivateFiles.prepareRoot(root);
        store = new LocalBlobStore(root, warning -> { }, config.directIo());
        AccountStore accounts = new AccountStore(root, new PasswordHasher(config.passwordIterations()));
        store.configure(config.uploadTtl(), accounts.quotas(config.defaultQuota()));
        TokenService tokens = TokenService.forRoot(root, config.tokenTtl(), accounts::generation);
        authenticator = new Authenticator(config.authMode(), accounts);
        BlobStore seen = storeView.apply(store);
        handler = new RequestHandler(config, seen, tokens, authenticator, StepServer.NAME);
        replies = new ReplyWriter(seen);
        limits = new FrameLimits(config.maxJsonBytes(), config.maxBlockSize(), true);
    }

    static EmbeddedServer start() throws IOException {
        return start(b -> b);
    }

    static EmbeddedServer start(UnaryOperator<ServerConfig.Builder> tune) throws IOException {
        return start(tune, UnaryOperator.identity());
    }

    /** {@code storeView} may wrap the store the handlers see, e.g. to make it fail. */
    static EmbeddedServer start(UnaryOperator<ServerConfig.Builder> tune, UnaryOperator<BlobStore> storeView)
            throws IOException {
        Path root = Files.createTempDirectory("fita-embedded");
        ServerConfig config = tune.apply(ServerConfig.builder().host("127.0.0.1").port(0).root(root)
                .logToConsole(false).passwordIterations(10_000)).build();
        return new EmbeddedServer(root, config, storeView);
    }

    /** Feeds request bytes (any number of frames) and returns every reply, as a connection would write them. */
    List<Out> feed(byte[] requests) throws IOException {
        return feed(new ByteArrayInputStream(requests));
    }

    List<Out> feed(InputStream requests) throws IOException {
        FrameReader reader = new FrameReader(requests, limits);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(written);
        List<Boolean> closes = new ArrayList<>();
        try {
            IncomingFrame frame;
            while ((frame = reader.next()) != null) {
                Reply reply = handler.answer(frame, "127.0.0.1", failures::add);
                replies.write(writer, reply);
                closes.add(reply.close());
                frame.skipRemaining();
                if (reply.close()) {
                    break;
                }
            }
        } catch (MalformedFrameException e) {
            // As a connection does: the replies so far go out, then it closes.
        }
        writer.flush();
        return parse(written.toByteArray(), closes);
    }

    /** Sends one request (framed with byte counts) and returns its one reply. */
    Out call(JsonObject request, byte[] payload) throws IOException {
        return only(feed(FrameWriter.encode(request, payload)));
    }

    Out call(JsonObject request) throws IOException {
        return call(request, null);
    }

    /** Sends one request written as JSON text, framed as classic clients frame it. */
    Out callText(String json, byte[] payload) throws IOException {
        return only(feed(frame(json, payload)));
    }

    /** Sends one request whose binary part is read from {@code binary} as the handler consumes it. */
    Out callStreaming(JsonObject request, long binaryLength, InputStream binary) throws IOException {
        byte[] head = FrameWriter.encode(request, null);
        ByteBuffer.wrap(head, 4, 4).putInt((int) binaryLength);
        return only(feed(new SequenceInputStream(new ByteArrayInputStream(head), binary)));
    }

    /** Logs in with the classic password (md5 of the name) and returns the token. */
    String login(String user) throws IOException {
        Out reply = call(Requests.login(user, Authenticator.md5Hex(user)));
        if (reply.status() != 200) {
            throw new IOException("LOGIN failed: " + reply.text());
        }
        return reply.message().string(Fields.TOKEN).orElseThrow();
    }

    static byte[] frame(String json, byte[] payload) {
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        int m = payload == null ? 0 : payload.length;
        ByteBuffer frame = ByteBuffer.allocate(8 + text.length + m).putInt(text.length).putInt(m).put(text);
        if (m > 0) {
            frame.put(payload);
        }
        return frame.array();
    }

    private static Out only(List<Out> outs) throws IOException {
        if (outs.size() != 1) {
            throw new IOException("Expected one reply, got " + outs.size() + ": " + outs);
        }
        return outs.get(0);
    }

    private static List<Out> parse(byte[] bytes, List<Boolean> closes) {
        List<Out> outs = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        while (in.hasRemaining()) {
            int n = in.getInt();
            int m = in.getInt();
            String text = new String(bytes, in.position(), n, StandardCharsets.UTF_8);
            in.position(in.position() + n);
            byte[] binary = Arrays.copyOfRange(bytes, in.position(), in.position() + m);
            in.position(in.position() + m);
            StepMessage message = new StepMessage(JsonParser.parseString(text).getAsJsonObject());
            outs.add(new Out(text, message, binary, closes.get(outs.size())));
        }
        return outs;
    }

    @Override
    public void close() throws IOException {
        replies.close();
        authenticator.close();
        store.close();
        ServerFixture.deleteTree(root);
    }
}
