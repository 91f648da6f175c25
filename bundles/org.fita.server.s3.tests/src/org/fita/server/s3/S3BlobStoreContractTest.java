package org.fita.server.s3;

import java.nio.file.Path;
import java.time.Duration;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.Quotas;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on S3 (S3Proxy on 127.0.0.1, its filesystem provider), a bucket per test. */
class S3BlobStoreContractTest extends BlobStoreContract {
    @TempDir
    static Path tmp;
    static S3ProxyProcess proxy;
    S3Location where;

    @BeforeAll
    static void startProxy() throws Exception {
        proxy = S3ProxyProcess.start(tmp.resolve("s3"));
    }

    @AfterAll
    static void stopProxy() throws Exception {
        proxy.close();
    }

    @BeforeEach
    void newBucket() {
        where = proxy.newBucket("contract", "fita/");
    }

    @Override
    BlobStore open(Quotas quotas) throws Exception {
        S3BlobStore s3 = new S3BlobStore(proxy.client(where), where, w -> { }, 64L << 20);
        s3.configure(Duration.ofDays(1), quotas);
        return s3;
    }
}
