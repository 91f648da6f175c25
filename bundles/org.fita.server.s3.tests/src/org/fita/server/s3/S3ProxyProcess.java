package org.fita.server.s3;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy with its filesystem provider, as its own process on 127.0.0.1, its buckets folders under
 * {@code base}: stopping and starting it again keeps every object, so restart tests are real.
 */
final class S3ProxyProcess implements AutoCloseable {
    static final String IDENTITY = "fita-test";
    static final String CREDENTIAL = "fita-test-secret";
    private static final Duration START_DEADLINE = Duration.ofSeconds(90);

    private final Path base;
    private final int port;
    private final java.util.concurrent.atomic.AtomicInteger buckets = new java.util.concurrent.atomic.AtomicInteger();
    private Process process;

    private S3ProxyProcess(Path base, int port) {
        this.base = base;
        this.port = port;
    }

    /** Starts S3Proxy on a free port, with the given buckets created (as folders) before. */
    static S3ProxyProcess start(Path base, String... buckets) throws IOException, InterruptedException {
        Files.createDirectories(base);
        for (String b : buckets) {
            Files.createDirectories(base.resolve(b));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        S3ProxyProcess p = new S3ProxyProcess(base, port);
        p.startProcess();
        return p;
    }

    private void startProcess() throws IOException, InterruptedException {
        String jar = System.getProperty("fita.s3proxy.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("S3Proxy's jar is not at fita.s3proxy.jar=" + jar
                    + "; the build copies it there (maven-dependency-plugin in this bundle's pom).");
        }
        Path props = base.resolveSibling(base.getFileName() + ".properties");
        Files.writeString(props, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + IDENTITY,
                "s3proxy.credential=" + CREDENTIAL,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + base.toAbsolutePath(),
                ""));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = base.resolveSibling(base.getFileName() + ".log");
        process = new ProcessBuilder(List.of(java.toString(), "-Xmx256m", "-jar", jar, "--properties", props.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("S3Proxy exited at start: " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        process.destroyForcibly();
        throw new IOException("S3Proxy did not listen within " + START_DEADLINE + ": " + Files.readString(log));
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    S3Location location(String bucket, String prefix) {
        return new S3Location(bucket, prefix, endpoint(), "us-east-1", true);
    }

    /** Creates a bucket of its own for one test, named {@code name-N}, and says where its keys go under {@code prefix}. */
    S3Location newBucket(String name, String prefix) {
        S3Location where = location(name + "-" + buckets.incrementAndGet(), prefix);
        try (S3Client s3 = client(where)) {
            s3.createBucket(b -> b.bucket(where.bucket()));
        }
        return where;
    }

    S3Client client(S3Location where) {
        return S3Clients.create(where,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)));
    }

    /** Kills the process at once (as a crash would) and starts it again on the same port and folder. */
    void restart() throws IOException, InterruptedException {
        stop();
        startProcess();
    }

    void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
