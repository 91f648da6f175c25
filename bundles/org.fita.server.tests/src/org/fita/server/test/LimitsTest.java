package org.fita.server.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.junit.jupiter.api.Test;

/** Past a limit the client gets a clear error and the server keeps serving everyone else. */
class LimitsTest {

    @Test
    void aConnectionOverTheLimitIsToldWhyAndOthersKeepWorking() throws IOException {
        try (ServerFixture fixture = ServerFixture.start(b -> b.maxConnections(2));
                StepClient first = fixture.client(); StepClient second = fixture.client()) {
            String token = first.login("u1");
            second.login("u2");
            try (StepClient third = fixture.client()) {
                // Even an UPLOAD with its block is answered, so the client learns why.
                StepMessage refused = third.call(Requests.upload(token, "k", 0), new byte[20480]);
                assertEquals(429, refused.status());
                assertTrue(refused.statusMessage().contains("limit of 2 connections"), refused.statusMessage());
                assertTrue(third.closedByServer(5000));
            }
            assertEquals(404, first.call(Requests.fileGet(token, "nothing")).status());
            second.close();
            // The freed slot is reused once the server has seen the close.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (fixture.server.connections().size() > 1 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            try (StepClient fourth = fixture.client()) {
                assertEquals(200, fourth.call(Requests.login("u4", org.fita.server.auth.Authenticator.md5Hex("u4"))).status());
            }
        }
    }

    @Test
    void anIdleConnectionIsClosed() throws IOException {
        try (ServerFixture fixture = ServerFixture.start(b -> b.idleTimeout(Duration.ofMillis(500)));
                StepClient idle = fixture.client()) {
            idle.login("u1");
            assertTrue(idle.closedByServer(10_000), "closed after half a second of silence");
            try (StepClient fresh = fixture.client()) {
                fresh.login("u2");
            }
        }
    }
}
