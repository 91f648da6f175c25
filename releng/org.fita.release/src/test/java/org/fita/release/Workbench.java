package org.fita.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Starts a workbench command on the X display of the build (xvfb-run) and waits for the FiTA window. */
final class Workbench {
    static final Duration WINDOW_DEADLINE = Duration.ofSeconds(90);
    /** A window of the FiTA X client (SWT's application name) titled FiTA: the workbench window and hidden helpers. */
    private static final Pattern FITA_WINDOW = Pattern.compile("^\\s*(0x[0-9a-f]+) \"FiTA[^\"]*\": \\(\"FiTA\" \"FiTA\"\\)",
            Pattern.MULTILINE);
    private static final Pattern WIDTH = Pattern.compile("^\\s*Width: (\\d+)$", Pattern.MULTILINE);

    private Workbench() {
    }

    /**
     * Runs {@code command} with HOME (and so ~/.fita) in {@code home}, waits until a FiTA window shows,
     * then stops it. Returns the window's line of xwininfo.
     */
    static String startAndSeeWindow(List<String> command, Path home) throws IOException, InterruptedException {
        String display = System.getenv("DISPLAY");
        assertTrue(display != null && !display.isEmpty(),
                "no X display: run the release build under xvfb-run -a (Debian: apt-get install xvfb xauth)");
        assertEquals(0, Command.run(Duration.ofSeconds(10), "xwininfo", "-version").exitCode(),
                "xwininfo is missing (Debian: apt-get install x11-utils)");
        Files.createDirectories(home);
        Map<String, String> environment = Map.of(
                "HOME", home.toString(),
                // Belt and braces: the JVM takes user.home from the password file, not from HOME.
                "FITA_JAVA_OPTS", "-Duser.home=" + home);
        try (Command workbench = Command.start(command, environment)) {
            long deadline = System.nanoTime() + WINDOW_DEADLINE.toNanos();
            while (System.nanoTime() < deadline) {
                if (!workbench.alive()) {
                    fail("the workbench ended before it showed a window:\n" + workbench.result().describe());
                }
                String tree = Command.run(Duration.ofSeconds(10), "xwininfo", "-root", "-tree").out();
                var window = FITA_WINDOW.matcher(tree);
                while (window.find()) {
                    // The workbench window is mapped and wide; SWT's helper shells are hidden, 200 pixels wide.
                    String info = Command.run(Duration.ofSeconds(10), "xwininfo", "-id", window.group(1)).out();
                    var width = WIDTH.matcher(info);
                    if (info.contains("Map State: IsViewable") && width.find() && Integer.parseInt(width.group(1)) >= 400) {
                        workbench.stop();
                        return window.group().trim();
                    }
                }
                Thread.sleep(500);
            }
            fail("no FiTA window within " + WINDOW_DEADLINE.toSeconds() + " s:\n" + workbench.result().describe());
            return null;
        }
    }
}
