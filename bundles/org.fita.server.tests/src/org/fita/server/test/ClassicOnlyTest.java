package org.fita.server.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonObject;
import java.io.IOException;
import org.fita.protocol.Fields;
import org.fita.protocol.Requests;
import org.fita.protocol.StepMessage;
import org.fita.server.auth.Authenticator;
import org.junit.jupiter.api.Test;

/** With --classic-only a FiTA client's opt-ins are ignored: the server is a classic one. */
class ClassicOnlyTest {

    @Test
    void everyExtensionIsOff() throws IOException {
        try (ServerFixture fixture = ServerFixture.start(b -> b.classicOnly(true)); StepClient c = fixture.client()) {
            StepMessage login = c.call(Requests.fita(Requests.login("u1", Authenticator.md5Hex("u1"))));
            assertEquals(200, login.status());
            for (String field : new String[] {Fields.FITA_VERSION, Fields.EXTENSIONS, Fields.SERVER, Fields.LIMITS,
                Fields.TOKEN_EXPIRES_IN}) {
                assertFalse(login.has(field), field + " must not be announced");
            }
            String token = login.token();

            StepMessage list = c.call(Requests.list(token, null, null, 10));
            assertEquals(408, list.status());
            assertEquals("Operation LIST is not allowed", list.statusMessage());

            JsonObject save = Requests.fita(Requests.fileSave(token, "k", 100_000));
            save.addProperty(Fields.BLOCK_SIZE, 65536);
            save.addProperty(Fields.RESUME, true);
            StepMessage plan = c.call(save);
            assertEquals(20480, plan.integer(Fields.BLOCK_SIZE).orElseThrow(), "the classic block size stays");
            assertFalse(plan.has(Fields.RECEIVED_BITMAP));

            JsonObject up = Requests.fita(Requests.upload(token, "k", 0));
            up.addProperty(Fields.BLOCK_CRC32C, "00000000");
            assertEquals(200, c.call(up, new byte[20480]).status(), "the checksum field is ignored like any unknown field");
        }
    }
}
