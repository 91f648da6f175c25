package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's examples of {@code fita} and {@code fita-server} run as written, through the scripts
 * of releng/scripts, in a temporary folder: HOME (so {@code ~}), Java's user.home and FITA_HOME all
 * point into it, and FITA_SERVER names a fita-server started for the test. Where an example names
 * a place a test cannot use, it is substituted, and only that: {@code /srv/fita} becomes a temporary
 * root, port 1379 the test server's port (a server example listens on a free port of 127.0.0.1).
 * And the exit code table of the README is the one {@code fita --help} prints.
 */
class ReadmeExamplesIT {
    private static final Pattern EXAMPLE = Pattern.compile(
            "^(?:\\$ )?((?:[A-Z_]+='[^']*' )*releng/scripts/(fita-server|fita)(?: .*)?)$");
    /** Examples hold no '#' but their comments' (none in quotes). */
    private static final Pattern COMMENT = Pattern.compile("\\s+#\\s.*$");
    private static final Pattern TABLE_ROW = Pattern.compile("^\\| (\\d+) \\| (.*) \\|$");
    private static final Pattern HELP_ROW = Pattern.compile("^ +(\\d+) {2}(.*)$");

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @TempDir
    Path dir;

    private Path home;
    private Path work;
    private Path srv;

    @BeforeEach
    void folders() throws IOException {
        home = Files.createDirectories(dir.resolve("home"));
        work = Files.createDirectories(dir.resolve("work"));
        srv = Files.createDirectories(dir.resolve("srv"));
    }

    @Test
    void clientExamplesRunAsWritten() throws Exception {
        List<String> examples = examples("## The client", "## Performance", "fita");
        assertTrue(examples.size() >= 12, () -> "too few fita examples found in the README: " + examples);
        ServerProcess server = servers.start(Files.createDirectories(dir.resolve("server-root")));
        Files.write(work.resolve("big.iso"), TestData.random(3 << 20, 71));
        Files.writeString(work.resolve("report.pdf"), "%PDF-1.4 a report\n");
        Files.createDirectories(work.resolve("photos/2024"));
        Files.writeString(work.resolve("photos/a.jpg"), "a");
        Files.writeString(work.resolve("photos/2024/b.jpg"), "b");
        Files.writeString(work.resolve("test.txt"), "coursework\n");

        for (String example : examples) {
            String line = example.replace("--port 1379", "--port " + server.port());
            StandaloneJar.Result run = bash(line, Map.of("FITA_SERVER", "127.0.0.1:" + server.port()));
            assertEquals(0, run.exitCode(), () -> example + "\n" + run.describe());
            if (example.contains("download big.iso")) {
                assertTrue(run.stdout().contains("already there"), run::describe);
            }
            if (example.contains("--id 2254001 --f test.txt")) {
                assertTrue(run.stdoutLines().get(2).equals(
                        "MD5 check: the server's MD5 of \"test.txt\" matches the local file."), run::describe);
            }
        }
        for (String file : List.of("restored/a.jpg", "restored/2024/b.jpg", "backup/a.jpg", "backup/2024/b.jpg")) {
            assertTrue(Files.isRegularFile(work.resolve(file)), file + " was downloaded");
        }
    }

    @Test
    void serverExamplesRunAsWritten() throws Exception {
        List<String> examples = examples("## The server", "## The client", "fita-server");
        assertTrue(examples.size() >= 8, () -> "too few fita-server examples found in the README: " + examples);
        // The TLS examples name a certificate and its key: made here, as a CA would hand them out.
        TestTls.writePair(Path.of(srv + "-tls"), "fullchain.pem", "privkey.pem");
        TestTls.writePair(work, "chain.pem", "server.key");
        for (String example : examples) {
            String line = example.replace("/srv/fita", srv.toString());
            if (line.contains(" user ") || line.contains("--help")) {
                StandaloneJar.Result run = bash(line, Map.of());
                assertEquals(0, run.exitCode(), () -> example + "\n" + run.describe());
                continue;
            }
            // A server runs until stopped: it must come up, and stop cleanly on SIGTERM.
            line = line.contains("--port 1379") ? line.replace("--port 1379", "--port 0") : line + " --port 0";
            line = line.contains("--host ") ? line : line + " --host 127.0.0.1";
            try (ServerProcess server = ServerProcess.start(builder("exec " + line, Map.of()))) {
                assertEquals(143, server.terminate(), () -> example + "\n" + server.transcript());
            }
        }
        assertTrue(Files.isDirectory(home.resolve("fita-data")), "~/fita-data was the storage root of an example");
    }

    @Test
    void exitCodeTableIsTheOneTheClientPrints() throws Exception {
        Map<Integer, String> readme = new TreeMap<>();
        boolean inSection = false;
        for (String line : readme().lines().toList()) {
            if (line.startsWith("#")) {
                inSection = line.equals("### Exit codes");
            }
            Matcher row = TABLE_ROW.matcher(line);
            if (inSection && row.matches()) {
                readme.put(Integer.parseInt(row.group(1)), row.group(2));
            }
        }
        StandaloneJar.Result help = bash(scripts() + "/fita --help", Map.of());
        assertEquals(0, help.exitCode(), help::describe);
        Map<Integer, String> printed = new TreeMap<>();
        List<String> lines = help.stdoutLines();
        int last = -1;
        for (int i = lines.indexOf("Exit codes:") + 1; i > 0 && i < lines.size(); i++) {
            Matcher row = HELP_ROW.matcher(lines.get(i));
            if (row.matches()) {
                last = Integer.parseInt(row.group(1));
                printed.put(last, row.group(2));
            } else if (last >= 0 && !lines.get(i).startsWith("With several")) {
                printed.put(last, printed.get(last) + " " + lines.get(i).strip()); // wrapped at 80 columns
            } else {
                break;
            }
        }
        assertTrue(printed.size() >= 10, help::describe);
        assertEquals(printed, readme, "the README's exit code table against fita --help");
    }

    /** The example lines of {@code command} in the README between two headings, in order. */
    private static List<String> examples(String from, String to, String command) throws IOException {
        String text = readme();
        int start = text.indexOf("\n" + from + "\n");
        int end = text.indexOf("\n" + to + "\n", start);
        assertTrue(start >= 0 && end > start, () -> "README sections " + from + " .. " + to);
        List<String> examples = new ArrayList<>();
        boolean inCode = false;
        for (String line : text.substring(start, end).lines().toList()) {
            if (line.startsWith("```")) {
                inCode = !inCode && line.equals("```bash");
                continue;
            }
            Matcher m = EXAMPLE.matcher(line);
            if (inCode && m.matches() && m.group(2).equals(command)) {
                // The comment goes, so that a substitution can be appended to the command.
                String example = COMMENT.matcher(m.group(1)).replaceFirst("");
                examples.add(example.replace("releng/scripts/", scripts() + "/"));
            }
        }
        return examples;
    }

    private static String readme() throws IOException {
        Path readme = Path.of(System.getProperty("fita.readme", "../../README.md"));
        return Files.readString(readme, StandardCharsets.UTF_8);
    }

    private static String scripts() {
        return Path.of(System.getProperty("fita.scripts", "../scripts")).toAbsolutePath().normalize().toString();
    }

    private StandaloneJar.Result bash(String line, Map<String, String> environment) throws Exception {
        try (ProcessRun run = ProcessRun.start(builder(line, environment))) {
            return run.finish(line);
        }
    }

    /** bash runs the line as a user's shell would, with every home of the user in the temporary folder. */
    private ProcessBuilder builder(String line, Map<String, String> environment) {
        StandaloneJar.CLIENT.path(); // the scripts would build a missing jar; the test must not
        StandaloneJar.SERVER.path();
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", line).directory(work.toFile());
        Map<String, String> env = builder.environment();
        env.remove("FITA_PASSWORD");
        env.remove("FITA_SERVER");
        env.put("HOME", home.toString());
        env.put("FITA_HOME", home.resolve(".fita").toString());
        env.put("FITA_JAVA_OPTS", "-Xmx256m -Duser.home=" + home);
        // The start-up cache is made in the background and could outlive the test's folder (StartupCacheIT tests it).
        env.put("FITA_STARTUP_CACHE", "off");
        env.putAll(environment);
        return builder;
    }
}
