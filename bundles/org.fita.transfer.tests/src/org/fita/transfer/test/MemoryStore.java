package org.fita.transfer.test;

import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted STEP server's files, in memory: FILE SAVE, UPLOAD, GET and DELETE for one user, as
 * the reference answers them, with optional FiTA extensions and optional reference defects.
 */
final class MemoryStore implements ScriptedServer.Script {
    private final String[] extensions;
    /** Like the reference (B11): a second UPLOAD that also sees the file complete dies without a reply. */
    volatile boolean dieOnSecondCompletion;
    /** The UPLOAD that completes the file stores it but never answers (a lost reply). */
    volatile boolean neverAnswerCompletion;
    /** Milliseconds each UPLOAD takes between recording its block and checking completion. */
    volatile int uploadMillis;
    final AtomicInteger died = new AtomicInteger();
    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();

    private static final class Upload {
        final byte[] data;
        final int blockSize;
        final long total;
        final BitSet held = new BitSet();
        boolean finished;

        Upload(int size, int blockSize) {
            this.data = new byte[size];
            this.blockSize = blockSize;
            this.total = size == 0 ? 0 : (size - 1) / blockSize + 1;
        }
    }

    /** A classic server when {@code extensions} is empty, else a FiTA one announcing them. */
    MemoryStore(String... extensions) {
        this.extensions = extensions;
    }

    private boolean has(String extension) {
        return Arrays.asList(extensions).contains(extension);
    }

    @Override
    public void serve(ScriptedServer.Peer peer) throws Exception {
        for (ScriptedServer.Request r; (r = peer.next()) != null;) {
            String key = r.message().string("key").orElse("");
            switch (r.operation()) {
                case "LOGIN" -> peer.login(r, extensions);
                case "SAVE" -> peer.send(save(r, key));
                case "UPLOAD" -> {
                    JsonObject reply = upload(r, key);
                    if (reply == null) {
                        peer.hang();
                        return;
                    }
                    peer.send(reply);
                }
                case "GET" -> {
                    byte[] data = files.get(key);
                    if (data == null) {
                        peer.send(ScriptedServer.reply("GET", "FILE", 404, "The key " + key + " is not existing."));
                    } else {
                        JsonObject plan = new JsonObject();
                        plan.addProperty("key", key);
                        plan.addProperty("size", data.length);
                        plan.addProperty("total_block", data.length == 0 ? 0 : (data.length - 1) / 20480 + 1);
                        plan.addProperty("block_size", 20480);
                        plan.addProperty("md5", ScriptedServer.md5(data));
                        ScriptedServer.reply("GET", "FILE", 200, "OK. This is the download plan.").entrySet()
                                .forEach(e -> plan.add(e.getKey(), e.getValue()));
                        peer.send(plan);
                    }
                }
                case "DELETE" -> peer.send(files.remove(key) != null
                        ? ScriptedServer.reply("GET", "FILE", 200, "The \"key\" " + key + " is deleted.")
                        : ScriptedServer.reply("GET", "FILE", 404, "The \"key\" " + key + " is not existing."));
                default -> peer.send(ScriptedServer.reply("ERROR", "ERROR", 408, "Operation " + r.operation()
                        + " is not allowed"));
            }
        }
    }

    private JsonObject save(ScriptedServer.Request r, String key) {
        boolean fita = r.message().fitaVersion() > 0 && extensions.length > 0;
        boolean replace = fita && has("replace") && r.message().bool("replace").orElse(false);
        if (files.containsKey(key) && !replace) {
            return ScriptedServer.reply("SAVE", "FILE", 402, "This \"key\" " + key + " is existing.");
        }
        int size = (int) r.message().integer("size").orElse(0);
        int blockSize = fita && has("block-size") ? (int) r.message().integer("block_size").orElse(20480) : 20480;
        Upload upload = new Upload(size, blockSize);
        uploads.put(key, upload);
        JsonObject plan = new JsonObject();
        plan.addProperty("key", key);
        plan.addProperty("size", size);
        plan.addProperty("total_block", upload.total);
        plan.addProperty("block_size", blockSize);
        if (fita) {
            plan.addProperty("received_count", 0);
            plan.addProperty("received_bitmap", "");
        }
        ScriptedServer.reply("SAVE", "FILE", 200, "This is the upload plan.").entrySet()
                .forEach(e -> plan.add(e.getKey(), e.getValue()));
        return plan;
    }

    /** The reply, or null for an UPLOAD whose thread dies without one. */
    private JsonObject upload(ScriptedServer.Request r, String key) throws InterruptedException {
        Upload upload = uploads.get(key);
        if (upload == null) {
            return ScriptedServer.reply("UPLOAD", "FILE", 408, "The \"key\" " + key + " is not accepted for uploading.");
        }
        int index = (int) r.message().integer("block_index").orElse(-1);
        System.arraycopy(r.binary(), 0, upload.data, index * upload.blockSize, r.binary().length);
        synchronized (upload) {
            upload.held.set(index);
        }
        Thread.sleep(uploadMillis);
        JsonObject reply = new JsonObject();
        reply.addProperty("key", key);
        reply.addProperty("block_index", index);
        synchronized (upload) {
            if (upload.held.cardinality() == upload.total) {
                if (upload.finished) {
                    if (dieOnSecondCompletion) {
                        died.incrementAndGet();
                        return null;
                    }
                    return ScriptedServer.reply("UPLOAD", "FILE", 408, "The \"key\" " + key + " is completely uploaded.");
                }
                upload.finished = true;
                files.put(key, upload.data);
                uploads.remove(key);
                if (neverAnswerCompletion) {
                    return null;
                }
                reply.addProperty("md5", ScriptedServer.md5(upload.data));
            }
        }
        ScriptedServer.reply("UPLOAD", "FILE", 200, "The block " + index + " is uploaded.").entrySet()
                .forEach(e -> reply.add(e.getKey(), e.getValue()));
        return reply;
    }
}
