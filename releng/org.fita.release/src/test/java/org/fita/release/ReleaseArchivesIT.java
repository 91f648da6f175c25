package org.fita.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.fita.release.Release.Platform;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * What each workbench archive holds: one top folder, its own platform's SWT fragment and no other's,
 * its start script(s), README and LICENSE, the launcher jar and the FiTA bundles. Archives for Windows
 * and macOS cannot run here; this is what can be checked of them.
 */
class ReleaseArchivesIT {
    private static final Pattern ANY_SWT_FRAGMENT = Pattern.compile(
            "/plugins/(org\\.eclipse\\.swt\\.(gtk|win32|cocoa)\\.[a-z0-9]+\\.[a-z0-9_]+)_[^/]*$");

    @ParameterizedTest
    @EnumSource(Platform.class)
    void eachArchiveHoldsItsOwnSwtFragmentAndNoOther(Platform platform) throws IOException {
        Map<String, Integer> entries = ArchiveEntries.of(platform.archive());
        List<String> fragments = entries.keySet().stream()
                .map(ANY_SWT_FRAGMENT::matcher).filter(java.util.regex.Matcher::find)
                .map(m -> m.group(1)).distinct().toList();
        assertEquals(List.of(platform.swtFragment()), fragments, "SWT fragments in " + platform.archive().getFileName());
        String top = platform.product();
        assertTrue(entries.keySet().stream().anyMatch(n -> n.matches(Pattern.quote(top) + "plugins/org\\.eclipse\\.swt_3\\.131\\.0\\..*\\.jar")),
                "SWT's host bundle 3.131.0, the version of the fragments");
    }

    @ParameterizedTest
    @EnumSource(Platform.class)
    void eachArchiveIsOneFolderWithScriptsReadmeLicenseAndTheBundles(Platform platform) throws IOException {
        Map<String, Integer> entries = ArchiveEntries.of(platform.archive());
        String root = platform.root();
        String top = platform.product();
        for (String name : entries.keySet()) {
            assertTrue(name.startsWith(root) || (name + "/").equals(root), "outside the top folder: " + name);
        }
        for (String file : List.of("README.txt", "LICENSE.txt", "configuration/config.ini")) {
            assertTrue(entries.containsKey(top + file), platform + " lacks " + file);
        }
        for (String bundle : List.of("org.fita.app_", "org.fita.ui_", "org.fita.server_", "org.fita.transfer_",
                "org.fita.protocol_", "org.fita.cli_", "org.eclipse.equinox.launcher_", "org.apache.felix.scr_")) {
            assertTrue(entries.keySet().stream().anyMatch(n -> n.startsWith(top + "plugins/" + bundle)),
                    platform + " lacks the bundle " + bundle);
        }
        if (platform.windows()) {
            assertTrue(entries.containsKey(top + "fita-workbench.cmd"), "the Windows start script");
            assertFalse(entries.containsKey(top + "fita-workbench"), "no Unix script on Windows");
        } else {
            assertEquals(0755, entries.get(top + "fita-workbench") & 0777, "the start script is executable");
            assertFalse(entries.containsKey(top + "fita-workbench.cmd"), "no Windows script on " + platform);
        }
        if (platform.macos()) {
            assertEquals(0755, entries.get(root + "Contents/MacOS/FiTA") & 0777, "the bundle's executable");
            assertTrue(entries.containsKey(root + "Contents/Info.plist"), "the bundle's Info.plist");
            assertTrue(entries.containsKey(root + "Contents/Resources/fita.icns"), "the bundle's icon");
        }
        boolean gtk = platform.ws.equals("gtk");
        assertEquals(gtk, entries.keySet().stream().anyMatch(n -> n.startsWith(top + "plugins/org.eclipse.e4.ui.swt.gtk_")),
                "e4's GTK fragment only on Linux");
    }

    @Test
    void windowsScriptHasWindowsLineEnds() throws IOException {
        try (var zip = new java.util.zip.ZipFile(Platform.WINDOWS_X86_64.archive().toFile())) {
            String script = new String(zip.getInputStream(zip.getEntry("fita-workbench/fita-workbench.cmd")).readAllBytes(),
                    java.nio.charset.StandardCharsets.US_ASCII);
            assertTrue(script.startsWith("@echo off\r\n"), "cmd.exe needs CRLF line ends");
            assertFalse(script.replace("\r\n", "").contains("\n"), "a bare LF in the .cmd script");
            assertTrue(script.contains("-jar \"%LAUNCHER%\""), "starts the launcher jar");
            // cmd.exe cannot be run here: at least every label jumped to or called exists.
            var jump = Pattern.compile("(?i)\\b(?:goto|call) :?([a-z]+)\\b").matcher(script);
            int jumps = 0;
            while (jump.find()) {
                assertTrue(script.contains("\r\n:" + jump.group(1) + "\r\n"), "no label :" + jump.group(1));
                jumps++;
            }
            assertTrue(jumps >= 4, "the script's jumps were found");
        }
    }

    @Test
    void dockerfileCopiesOnlyWhatTheReleaseHolds() throws IOException {
        String dockerfile = Files.readString(Release.file("Dockerfile"));
        var copy = Pattern.compile("^COPY (\\S+) ", Pattern.MULTILINE).matcher(dockerfile);
        int copies = 0;
        while (copy.find()) {
            Release.file(copy.group(1));
            copies++;
        }
        assertTrue(copies > 0, "the Dockerfile copies the server jar");
        assertTrue(dockerfile.contains("EXPOSE 1379"), "the STEP port");
    }

    @Test
    void checksumsNameEveryDownload() throws IOException {
        String sums = Files.readString(Release.file("SHA256SUMS"));
        for (Platform platform : Platform.values()) {
            assertTrue(sums.contains("  " + platform.archive().getFileName() + "\n"), platform + " in SHA256SUMS");
        }
        assertTrue(sums.contains("  fita_" + Release.version() + "_amd64.deb\n"), "the .deb in SHA256SUMS");
        assertTrue(sums.contains("  fita-updatesite-" + Release.version() + ".zip\n"), "the update site in SHA256SUMS");
    }
}
