package org.fita.server.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fita.protocol.Extensions;
import org.fita.protocol.Fields;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.fita.server.auth.Authenticator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inline-upload extension over real sockets: a small file's plan, data and completion in one round trip. */
class InlineUploadTest {
    private ServerFixture fixture;
    private StepClient c;
    private String token;

    @BeforeEach
    void start() throws IOException {
        fixture = ServerFixture.start();
        c = fixture.client();
        token = fitaLogin(c, "u1");
    }

    @AfterEach
    void stop() throws IOException {
        c.close();
        fixture.close();
    }

    private static String fitaLogin(StepClient client, String user) throws IOException {
        StepMessage login = client.call(Requests.fita(Requests.login(user, Authenticator.md5Hex(user))));
        assertEquals(200, login.status(), login::toString);
        return login.token();
    }

    static JsonObject inline(String token, String key, long size, String md5) {
        JsonObject save = Requests.fita(Requests.fileSave(token, key, size));
        save.addProperty(Fields.INLINE, true);
        save.addProperty(Fields.MD5, md5);
        return save;
    }

    private static byte[] download(StepClient client, String token, String key) throws IOException {
        return UploadTest.download(client, token, key);
    }

    @Test
    void theLoginAnnouncesItAndItsLimit() throws IOException {
        StepMessage login = c.call(Requests.fita(Requests.login("u2", Authenticator.md5Hex("u2"))));
        assertTrue(login.json().getAsJsonArray(Fields.EXTENSIONS).toString().contains(Extensions.INLINE_UPLOAD));
        assertEquals(Extensions.MAX_INLINE_BYTES,
                login.json().getAsJsonObject(Fields.LIMITS).get(Fields.MAX_INLINE_BYTES).getAsLong());
    }

    @Test
    void oneRequestStoresTheFileAndItsReplyCarriesTheMd5() throws IOException {
        byte[] file = TestFiles.random(30_000, 1);
        String md5 = TestFiles.md5(file);

        StepMessage reply = c.call(inline(token, "dir/a.bin", file.length, md5.toUpperCase()), file);

        assertEquals(200, reply.status(), reply::toString);
        assertEquals("The file is stored.", reply.statusMessage());
        assertEquals("SAVE", reply.operation());
        assertEquals("dir/a.bin", reply.key());
        assertEquals(file.length, reply.integer(Fields.SIZE).orElse(-1));
        assertEquals(md5, reply.string(Fields.MD5).orElse(""));
        StepMessage plan = c.call(Requests.fileGet(token, "dir/a.bin"));
        assertEquals(md5, plan.string(Fields.MD5).orElse(""), "FILE GET sees the finished file");
        assertArrayEquals(file, download(c, token, "dir/a.bin"));
        StepMessage list = c.call(Requests.fita(Requests.list(token, "dir/", null, 10)));
        assertTrue(list.json().toString().contains(md5), list::toString);
    }

    @Test
    void anExistingKeyIsRefusedUnlessReplaced() throws IOException {
        byte[] first = TestFiles.random(5_000, 2);
        byte[] second = TestFiles.random(7_000, 3);
        assertEquals(200, c.call(inline(token, "k", first.length, TestFiles.md5(first)), first).status());

        StepMessage again = c.call(inline(token, "k", second.length, TestFiles.md5(second)), second);
        assertEquals(402, again.status(), again::toString);
        assertEquals("This \"key\" k is existing.", again.statusMessage());
        assertArrayEquals(first, download(c, token, "k"), "the first file stays");

        JsonObject replace = inline(token, "k", second.length, TestFiles.md5(second));
        replace.addProperty(Fields.REPLACE, true);
        StepMessage replaced = c.call(replace, second);
        assertEquals(200, replaced.status(), replaced::toString);
        assertArrayEquals(second, download(c, token, "k"));
    }

    @Test
    void bytesThatDoNotMatchTheirMd5AreNotStored() throws IOException {
        byte[] file = TestFiles.random(4_000, 4);
        StepMessage reply = c.call(inline(token, "bad", file.length, TestFiles.md5(new byte[] {1})), file);
        assertEquals(414, reply.status(), reply::toString);
        assertEquals(404, c.call(Requests.fileGet(token, "bad")).status(), "nothing stored");
        // The connection stays in step: the next request is answered.
        assertEquals(200, c.call(inline(token, "bad", file.length, TestFiles.md5(file)), file).status());
    }

    @Test
    void malformedRequestsAreRefusedWithTheirReason() throws IOException {
        byte[] file = TestFiles.random(4_000, 5);
        StepMessage noMd5 = c.call(inline(token, "m", file.length, "not hex"), file);
        assertEquals(411, noMd5.status(), noMd5::toString);
        StepMessage shortBody = c.call(inline(token, "m", file.length + 1, TestFiles.md5(file)), file);
        assertEquals(406, shortBody.status(), shortBody::toString);
        assertEquals(404, c.call(Requests.fileGet(token, "m")).status());
    }

    @Test
    void aFileOverTheInlineLimitGets413AndThePlanPathStillWorks() throws IOException {
        byte[] file = TestFiles.random(Extensions.MAX_INLINE_BYTES + 1, 6);
        StepMessage reply = c.call(inline(token, "big", file.length, TestFiles.md5(file)), file);
        assertEquals(413, reply.status(), reply::toString);
        assertEquals(TestFiles.md5(file), UploadTest.upload(c, token, "big", file));
    }

    @Test
    void theQuotaCountsInlineFiles() throws IOException {
        try (ServerFixture small = ServerFixture.start(b -> b.defaultQuota(100_000)); StepClient q = small.client()) {
            String t = fitaLogin(q, "u1");
            byte[] file = TestFiles.random(60_000, 7);
            assertEquals(200, q.call(inline(t, "one", file.length, TestFiles.md5(file)), file).status());
            StepMessage over = q.call(inline(t, "two", file.length, TestFiles.md5(file)), file);
            assertEquals(415, over.status(), over::toString);
            assertEquals(404, q.call(Requests.fileGet(t, "two")).status());
        }
    }

    @Test
    void withoutFitaVersionOrOnAClassicOnlyServerItIsTheClassicPlan() throws IOException {
        byte[] file = TestFiles.random(3_000, 8);
        JsonObject classic = inline(token, "c", file.length, TestFiles.md5(file));
        classic.remove(Fields.FITA_VERSION);
        StepMessage plan = c.call(classic, file);
        assertEquals(200, plan.status(), plan::toString);
        assertEquals("This is the upload plan.", plan.statusMessage());
        assertFalse(plan.has(Fields.MD5), "nothing completed: the binary part of a classic SAVE is ignored");
        assertEquals(404, c.call(Requests.fileGet(token, "c")).status());

        try (ServerFixture classicOnly = ServerFixture.start(b -> b.classicOnly(true)); StepClient q = classicOnly.client()) {
            String t = fitaLogin(q, "u1");
            StepMessage reply = q.call(inline(t, "c", file.length, TestFiles.md5(file)), file);
            assertEquals("This is the upload plan.", reply.statusMessage());
            assertEquals(404, q.call(Requests.fileGet(t, "c")).status());
        }
    }

    @Test
    void manyPipelinedOnSeveralConnectionsAreAllStored() throws Exception {
        int connections = 6;
        int perConnection = 40;
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int n = 0; n < connections; n++) {
                int lane = n;
                done.add(pool.submit(() -> {
                    try (StepClient client = fixture.client()) {
                        String t = fitaLogin(client, "u1");
                        for (int i = 0; i < perConnection; i++) {
                            byte[] file = TestFiles.random(1 + (i * 997) % 50_000, lane * 1000L + i);
                            client.queue(inline(t, "p/" + lane + "/" + i, file.length, TestFiles.md5(file)), file);
                        }
                        client.flush();
                        for (int i = 0; i < perConnection; i++) {
                            StepMessage reply = client.receive().message();
                            assertEquals(200, reply.status(), reply::toString);
                            assertEquals("p/" + lane + "/" + i, reply.key(), "replies in request order");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (int lane = 0; lane < connections; lane++) {
            for (int i = 0; i < perConnection; i += 13) {
                byte[] file = TestFiles.random(1 + (i * 997) % 50_000, lane * 1000L + i);
                assertArrayEquals(file, download(c, token, "p/" + lane + "/" + i));
            }
        }
    }
}
