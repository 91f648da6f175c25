package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fita-server --storage s3://...} from the standalone jar (the SDK on a plain class path),
 * two servers on one bucket of S3Proxy: a file uploaded through one is downloaded through the other.
 */
class S3StorageIT {
    private static final Map<String, String> CREDENTIALS = Map.of("AWS_ACCESS_KEY_ID", "fita-it",
            "AWS_SECRET_ACCESS_KEY", "fita-it-secret", "AWS_REGION", "us-east-1");
    @TempDir
    Path dir;
    private Process proxy;
    private final List<ServerProcess> servers = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (ServerProcess s : servers) {
            s.close();
        }
        if (proxy != null) {
            proxy.destroyForcibly();
            proxy.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private int startProxy() throws Exception {
        Path jar = Path.of(System.getProperty("fita.s3proxy.jar", "target/s3proxy/s3proxy.jar"));
        assertTrue(Files.isRegularFile(jar), "S3Proxy's jar is copied there by the build: " + jar);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir.resolve("s3/bucket"));
        Path props = Files.writeString(dir.resolve("s3proxy.properties"), String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port, "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=fita-it", "s3proxy.credential=fita-it-secret", "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + dir.resolve("s3"), ""));
        proxy = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-jar", jar.toString(), "--properties", props.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return port;
            } catch (IOException notYet) {
                assertTrue(proxy.isAlive() && System.nanoTime() < deadline, () -> "S3Proxy did not start: "
                        + read(dir.resolve("s3proxy.log")));
                Thread.sleep(200);
            }
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private ServerProcess server(String name, int proxyPort) throws Exception {
        ServerProcess s = ServerProcess.start(StandaloneJar.SERVER.command(CREDENTIALS, List.of("--host", "127.0.0.1",
                "--port", "0", "--root", dir.resolve(name).toString(), "--storage", "s3://bucket/fita",
                "--s3-endpoint", "http://127.0.0.1:" + proxyPort, "--s3-path-style",
                "--secret-file", dir.resolve("token.secret").toString())));
        servers.add(s);
        return s;
    }

    @Test
    void twoServersOnOneBucketShareTheirFiles() throws Exception {
        int proxyPort = startProxy();
        ServerProcess a = server("a", proxyPort);
        ServerProcess b = server("b", proxyPort);
        byte[] data = new byte[(12 << 20) + 77];
        new Random(1).nextBytes(data);
        FitaClient onA = new FitaClient(dir.resolve("client-a"), a.port(), "alice");
        Files.write(onA.work().resolve("data.bin"), data);
        StandaloneJar.Result up = onA.run("upload", "data.bin");
        assertEquals(0, up.exitCode(), up::describe);
        FitaClient onB = new FitaClient(dir.resolve("client-b"), b.port(), "alice");
        StandaloneJar.Result down = onB.run("download", "data.bin");
        assertEquals(0, down.exitCode(), down::describe);
        assertArrayEquals(data, Files.readAllBytes(onB.work().resolve("data.bin")));
        StandaloneJar.Result list = onB.run("list");
        assertTrue(list.stdout().contains("data.bin"), list::describe);
    }

    @Test
    void s3OptionsWithoutAnS3StorageAreRefused() throws Exception {
        StandaloneJar.Result run = StandaloneJar.SERVER.run("--root", dir.toString(), "--s3-endpoint", "http://x:1");
        assertEquals(2, run.exitCode(), run::describe);
        assertTrue(run.stderr().contains("--storage s3://BUCKET"), run::describe);
        StandaloneJar.Result bad = StandaloneJar.SERVER.run("--root", dir.toString(), "--storage", "s3://Bad_Bucket");
        assertEquals(2, bad.exitCode(), bad::describe);
        assertTrue(bad.stderr().contains("not a valid bucket name"), bad::describe);
    }
}
