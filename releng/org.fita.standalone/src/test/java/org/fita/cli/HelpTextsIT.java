package org.fita.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Help.Ansi;

/**
 * The usage help texts that the build put into fita.jar are picocli's rendering of the same
 * commands, plain and in colour (a terminal gets the colour ones), for the user's name of the run.
 */
class HelpTextsIT {
    @Test
    void theJarsTextsArePicocliRenderings() throws Exception {
        Path jar = Path.of(System.getProperty("fita.client.jar", "target/fita.jar"));
        List<String> commands = new ArrayList<>(List.of("fita"));
        ClientCommand.SUBCOMMANDS.forEach(sub -> commands.add("fita " + sub));
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (String command : commands) {
                for (Ansi ansi : List.of(Ansi.OFF, Ansi.ON)) {
                    String name = HelpTexts.RESOURCE_FOLDER + command.replace(' ', '-')
                            + (ansi == Ansi.ON ? ".ansi.txt" : ".txt");
                    ZipEntry entry = zip.getEntry(name);
                    assertNotNull(entry, name + " is missing from " + jar);
                    String text = new String(zip.getInputStream(entry).readAllBytes(), StandardCharsets.US_ASCII);
                    assertEquals(HelpTexts.render(command, ansi, "someone"),
                            text.replace(HelpTexts.USER_PLACEHOLDER, "someone"), name);
                }
            }
        }
    }

    @Test
    void theSubcommandIsReadOnlyWhereItIsSure() {
        assertEquals("upload", ClientCommand.subcommandNamedBy(new String[] {"upload", "f"}));
        assertEquals("download", ClientCommand.subcommandNamedBy(
                new String[] {"--server", "h:1", "--json", "--window=3", "download", "k"}));
        assertEquals(null, ClientCommand.subcommandNamedBy(new String[] {"--user", "upload", "download"}));
        assertEquals(null, ClientCommand.subcommandNamedBy(new String[] {"--help", "upload"}));
        assertEquals(null, ClientCommand.subcommandNamedBy(new String[] {"-qh", "upload"}));
        assertEquals(null, ClientCommand.subcommandNamedBy(new String[] {"@args", "upload"}));
        assertEquals(null, ClientCommand.subcommandNamedBy(new String[] {"--", "upload"}));
        assertEquals(null, ClientCommand.subcommandNamedBy(new String[] {"--server"}));
        assertEquals(null, ClientCommand.subcommandNamedBy(new String[] {"--id", "x", "upload"}));
        assertEquals(null, ClientCommand.subcommandNamedBy(new String[] {"uplod", "f"}));
    }
}
