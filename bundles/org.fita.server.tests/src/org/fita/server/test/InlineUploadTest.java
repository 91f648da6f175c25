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

    /** Queues inline saves of files seeded 100+i under "s/i" on {@code client}; returns the files. */
    private static List<byte[]> queueSaves(StepClient client, String token, int count, int seed) throws IOException {
        List<byte[]> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] file = TestFiles.random(1 + (i * 7919) % 60_000, seed + i);
            files.add(file);
            client.queue(inline(token, "s/" + i, file.length, TestFiles.md5(file)), file);
        }
        return files;
    }

    @Test
    void savesPipelinedOnOneConnectionAreAnsweredInOrderAndSeenByTheRequestAfterThem() throws IOException {
        // More than one connection stores at once, so some wait for a free place in its window.
        List<byte[]> files = queueSaves(c, token, 40, 100);
        c.queue(Requests.fita(Requests.list(token, "s/", null, 100)), null);
        c.queue(Requests.fileGet(token, "s/39"), null);
        c.flush();
        for (int i = 0; i < files.size(); i++) {
            StepMessage reply = c.receive().message();
            assertEquals(200, reply.status(), reply::toString);
            assertEquals("s/" + i, reply.key(), "replies in request order");
            assertEquals(TestFiles.md5(files.get(i)), reply.string(Fields.MD5).orElse(""));
        }
        StepMessage list = c.receive().message();
        assertEquals(200, list.status(), list::toString);
        assertEquals(40, list.json().getAsJsonArray(Fields.FILES).size(), "the listing after them sees every file");
        StepMessage plan = c.receive().message();
        assertEquals(TestFiles.md5(files.get(39)), plan.string(Fields.MD5).orElse(""), plan::toString);
        for (int i = 0; i < files.size(); i += 7) {
            assertArrayEquals(files.get(i), download(c, token, "s/" + i));
        }
    }

    @Test
    void theSameKeyTwiceInOneBurstIsStoredInTurn() throws IOException {
        byte[] a = TestFiles.random(3_000, 11);
        byte[] b = TestFiles.random(4_000, 12);
        byte[] d = TestFiles.random(5_000, 13);
        c.queue(inline(token, "twice", a.length, TestFiles.md5(a)), a);
        JsonObject replace = inline(token, "twice", b.length, TestFiles.md5(b));
        replace.addProperty(Fields.REPLACE, true);
        c.queue(replace, b);
        c.queue(inline(token, "twice", d.length, TestFiles.md5(d)), d);
        c.flush();
        assertEquals(200, c.receive().message().status());
        StepMessage replaced = c.receive().message();
        assertEquals(200, replaced.status(), "the replacement comes after the first save: " + replaced);
        StepMessage third = c.receive().message();
        assertEquals(402, third.status(), third::toString);
        assertArrayEquals(b, download(c, token, "twice"));
    }

    @Test
    void refusalsInABurstAreEachFilesOwnAndTheOthersAreStored() throws IOException {
        byte[] good = TestFiles.random(6_000, 21);
        byte[] bad = TestFiles.random(6_000, 22);
        byte[] tooBig = TestFiles.random(Extensions.MAX_INLINE_BYTES + 1, 23);
        c.queue(inline(token, "b/1", good.length, TestFiles.md5(good)), good);
        c.queue(inline(token, "b/2", bad.length, TestFiles.md5(good)), bad);
        c.queue(inline(token, "b/3", tooBig.length, TestFiles.md5(tooBig)), tooBig);
        c.queue(inline(token, "b/4", good.length + 1, TestFiles.md5(good)), good);
        c.queue(inline(token, "b/5", good.length, TestFiles.md5(good)), good);
        c.flush();
        int[] expected = {200, 414, 413, 406, 200};
        for (int i = 0; i < expected.length; i++) {
            StepMessage reply = c.receive().message();
            assertEquals(expected[i], reply.status(), reply::toString);
        }
        assertEquals(404, c.call(Requests.fileGet(token, "b/2")).status(), "a mismatch stores nothing");
        assertArrayEquals(good, download(c, token, "b/5"));
    }

    @Test
    void aQuotaReachedInABurstRefusesOnlyTheFilesOverIt() throws IOException {
        try (ServerFixture small = ServerFixture.start(b -> b.defaultQuota(100_000)); StepClient q = small.client()) {
            String t = fitaLogin(q, "u1");
            byte[] file = TestFiles.random(30_000, 31);
            for (int i = 0; i < 5; i++) {
                q.queue(inline(t, "q/" + i, file.length, TestFiles.md5(file)), file);
            }
            q.flush();
            int stored = 0;
            for (int i = 0; i < 5; i++) {
                StepMessage reply = q.receive().message();
                assertTrue(reply.status() == 200 || reply.status() == 415, reply::toString);
                stored += reply.status() == 200 ? 1 : 0;
            }
            // Files stored at once take their places in any order, but never more than the quota holds.
            assertEquals(3, stored);
            StepMessage list = q.call(Requests.fita(Requests.list(t, "q/", null, 10)));
            assertEquals(3, list.json().getAsJsonArray(Fields.FILES).size(), list::toString);
        }
    }

    @Test
    void aClientThatLeavesAfterItsBurstStillHasItsFilesStored() throws Exception {
        List<byte[]> files;
        try (StepClient quick = fixture.client()) {
            String t = fitaLogin(quick, "u1");
            files = queueSaves(quick, t, 20, 300);
            quick.flush();
            // Its first reply shows the burst was read; then it goes without reading the others.
            assertEquals(200, quick.receive().message().status());
        }
        // Each file whose reply was never read is stored whole or not at all; those stored are complete.
        for (int i = 0; i < files.size(); i++) {
            StepMessage plan = c.call(Requests.fileGet(token, "s/" + i));
            if (plan.status() == 200) {
                assertArrayEquals(files.get(i), download(c, token, "s/" + i));
            } else {
                assertEquals(404, plan.status(), plan::toString);
            }
        }
    }
}
