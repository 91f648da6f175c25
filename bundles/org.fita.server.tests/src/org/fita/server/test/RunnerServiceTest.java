package org.fita.server.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.fita.protocol.Requests;
import org.fita.server.ConnectionInfo;
import org.fita.server.RequestEvent;
import org.fita.server.ServerConfig;
import org.fita.server.ServerListener;
import org.fita.server.runner.DefaultServerRunner;
import org.fita.server.runner.RecentActivity;
import org.fita.server.runner.ServerRunner;
import org.fita.server.runner.ServerStatus;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/** The runner is a Declarative Services component that starts, reports and stops a server. */
class RunnerServiceTest {

    @Test
    void theRunnerServiceStartsReportsAndStopsAServer() throws Exception {
        BundleContext context = FrameworkUtil.getBundle(ServerRunner.class).getBundleContext();
        ServiceTracker<ServerRunner, ServerRunner> tracker = new ServiceTracker<>(context, ServerRunner.class, null);
        tracker.open();
        Path root = Files.createTempDirectory("fita-runner");
        try {
            ServerRunner runner = tracker.waitForService(10_000);
            assertNotNull(runner, "the DS runtime registers the runner");

            List<String> events = new CopyOnWriteArrayList<>();
            CountDownLatch closed = new CountDownLatch(1);
            ServerListener listener = new ServerListener() {
                @Override
                public void serverStarted(InetSocketAddress address) {
                    events.add("started");
                }

                @Override
                public void connectionOpened(ConnectionInfo c) {
                    events.add("opened");
                }

                @Override
                public void requestHandled(RequestEvent e) {
                    events.add(e.operation() + " " + e.status() + " " + e.user());
                }

                @Override
                public void connectionClosed(ConnectionInfo c, String reason) {
                    events.add("closed");
                    closed.countDown();
                }

                @Override
                public void serverStopped() {
                    events.add("stopped");
                }
            };
            runner.addListener(listener);
            runner.start(ServerConfig.builder().host("127.0.0.1").port(0).root(root).logToConsole(false).build());
            ServerStatus status = runner.status();
            assertTrue(status.running());
            assertTrue(status.describe().startsWith("Server is ready on 127.0.0.1:"), status.describe());
            assertThrows(IllegalStateException.class, () -> runner.start(ServerConfig.builder().root(root).build()));

            try (StepClient c = new StepClient(status.address().getPort())) {
                c.login("u1");
            }
            assertTrue(closed.await(10, TimeUnit.SECONDS));
            assertEquals(1, runner.status().requests());
            runner.stop();
            runner.removeListener(listener);
            assertFalse(runner.status().running());
            assertEquals(List.of("started", "opened", "LOGIN 200 u1", "closed", "stopped"), events);
            assertTrue(Files.readString(root.resolve("log/fita-server.0.log")).contains("Server is ready on 127.0.0.1:"));
        } finally {
            tracker.close();
            ServerFixture.deleteTree(root);
        }
    }

    @Test
    void recentActivityOutlivesRestartsAndStaysBounded() throws Exception {
        Path root = Files.createTempDirectory("fita-activity");
        DefaultServerRunner runner = new DefaultServerRunner();
        try {
            for (int run = 0; run < 2; run++) {
                runner.start(ServerConfig.builder().host("127.0.0.1").port(0).root(root).logToConsole(false).build());
                try (StepClient c = new StepClient(runner.status().address().getPort())) {
                    c.login("u" + run);
                }
                runner.stop();
            }
            List<RequestEvent> requests = runner.recentActivity().requests();
            assertEquals(List.of("u0", "u1"), requests.stream().map(RequestEvent::user).toList());
            assertTrue(runner.recentActivity().logLines().stream().anyMatch(l -> l.contains("Server stopped")),
                    runner.recentActivity().logLines().toString());

            RecentActivity small = new RecentActivity(2, 1);
            for (int i = 0; i < 5; i++) {
                small.logged("line " + i);
                small.requestHandled(new RequestEvent(i, "r", "u", "FILE", "GET", "k" + i, 200, "OK", 0, 0, 0,
                        java.time.Instant.now()));
            }
            assertEquals(List.of("line 4"), small.logLines());
            assertEquals(List.of("k3", "k4"), small.requests().stream().map(RequestEvent::key).toList());
        } finally {
            runner.stop();
            ServerFixture.deleteTree(root);
        }
    }

    @Test
    void aSecondServerOnTheSameRootIsRefusedWithAReason() throws IOException {
        try (ServerFixture fixture = ServerFixture.start()) {
            IOException e = assertThrows(IOException.class, () -> ServerFixture.startOn(fixture.root, b -> b));
            assertTrue(e.getMessage().contains("storage root"), e.getMessage());
        }
    }

    @Test
    void aBusyPortIsReportedClearly() throws IOException {
        try (ServerFixture fixture = ServerFixture.start()) {
            Path other = Files.createTempDirectory("fita-port");
            try {
                IOException e = assertThrows(IOException.class,
                        () -> ServerFixture.startOn(other, b -> b.port(fixture.port())));
                assertTrue(e.getMessage().contains("--port"), e.getMessage());
            } finally {
                ServerFixture.deleteTree(other);
            }
        }
    }
}
