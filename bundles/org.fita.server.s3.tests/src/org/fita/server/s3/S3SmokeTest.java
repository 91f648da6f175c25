package org.fita.server.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

class S3SmokeTest {
    @TempDir
    Path tmp;

    @Test
    void putAndGetThroughTheSdkInOsgi() throws Exception {
        try (S3ProxyProcess proxy = S3ProxyProcess.start(tmp.resolve("s3"), "bucket")) {
            S3Location where = proxy.location("bucket", "p");
            try (S3Client s3 = proxy.client(where)) {
                s3.putObject(b -> b.bucket("bucket").key("p/x"), RequestBody.fromString("hello"));
                String back = s3.getObjectAsBytes(b -> b.bucket("bucket").key("p/x")).asString(StandardCharsets.UTF_8);
                assertEquals("hello", back);
            }
        }
    }
}
