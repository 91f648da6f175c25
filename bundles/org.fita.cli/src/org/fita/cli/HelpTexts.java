package org.fita.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.fita.server.StepServer;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/**
 * {@code fita --help}, {@code fita COMMAND --help} and their {@code --version} without building
 * picocli's model of the commands, which costs most of a cold JVM's start. The build renders every
 * usage help with picocli itself into resources of the jar ({@link #main}); a run prints the
 * resource only where picocli would print the same bytes, and otherwise leaves the command line to
 * picocli. A jar built without the resources (the OSGi bundle) simply always takes picocli's way.
 */
final class HelpTexts {
    static final String RESOURCE_FOLDER = "org/fita/cli/help/";
    /**
     * The default of --user in the rendered texts; replaced by the user's name at run time. Names
     * of its length or shorter of these characters give the same layout (checked when rendering).
     */
    static final String USER_PLACEHOLDER = "fitauserplacehld";
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9._-]{1," + USER_PLACEHOLDER.length() + "}");
    private static final List<String> HELP = List.of("--help", "-h");
    private static final List<String> VERSION = List.of("--version", "-V");

    private HelpTexts() {
    }

    /**
     * Prints the help or version that {@code args} ask for, if they ask for nothing else and the
     * result is known to equal picocli's; returns false, having printed nothing, otherwise.
     */
    static boolean print(String[] args, PrintStream out) {
        String command;
        String option;
        if (args.length == 1) {
            command = "fita";
            option = args[0];
        } else if (args.length == 2 && ClientCommand.SUBCOMMANDS.contains(args[0])) {
            command = "fita " + args[0];
            option = args[1];
        } else {
            return false;
        }
        boolean help = HELP.contains(option);
        if (!help && !VERSION.contains(option) || !picocliAsUsual()) {
            return false;
        }
        String text = help ? help(command) : version(command);
        if (text == null) {
            return false;
        }
        out.print(text);
        out.flush(); // a closed output is picocli's case too: it prints, ignores the error and exits 0
        return true;
    }

    /**
     * Whether picocli would read the command line as the texts were rendered: no picocli.* settings
     * (width, colours), lines ending in '\n', and a FITA_SERVER that parses (picocli converts the
     * default of --server even for --help, and reports it when it cannot).
     */
    private static boolean picocliAsUsual() {
        for (Object key : System.getProperties().keySet()) {
            if (key instanceof String name && name.startsWith("picocli.")) {
                return false;
            }
        }
        if (!"\n".equals(System.lineSeparator())) {
            return false;
        }
        String server = System.getenv(ClientCommand.SERVER_VARIABLE);
        if (server != null) { // set but empty is not unset for picocli
            try {
                ServerUrl.parse(server);
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    private static String help(String command) {
        String user = System.getProperty("user.name");
        if (user == null || !PLAIN_NAME.matcher(user).matches()) {
            return null;
        }
        String name = command.replace(' ', '-') + (Ansi.AUTO.enabled() ? ".ansi.txt" : ".txt");
        try (InputStream in = HelpTexts.class.getClassLoader().getResourceAsStream(RESOURCE_FOLDER + name)) {
            if (in == null) {
                return null;
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).replace(USER_PLACEHOLDER, user);
        } catch (IOException e) {
            return null;
        }
    }

    /** What {@link VersionProvider} gives, as picocli prints it (its lines pass through String.format). */
    private static String version(String command) {
        String vendor = System.getProperty("java.vendor");
        String java = "Java " + Runtime.version() + " (" + vendor + ")";
        if (vendor == null || java.contains("%") || java.contains("@|") || java.contains("${")) {
            return null;
        }
        return command + " (" + StepServer.NAME + ")\n" + java + "\n";
    }

    /**
     * The build's renderer: {@code java -cp fita.jar org.fita.cli.HelpTexts DIR} writes the usage
     * help of {@code fita} and of each of its commands, plain and in colour, under DIR. A text is
     * left out (and picocli renders it at run time) if it is not ASCII or if the user's name could
     * change its layout.
     */
    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args[0]).resolve(RESOURCE_FOLDER);
        Files.createDirectories(folder);
        List<String> commands = new ArrayList<>(List.of("fita"));
        ClientCommand.SUBCOMMANDS.forEach(sub -> commands.add("fita " + sub));
        int written = 0;
        for (String command : commands) {
            for (Ansi ansi : List.of(Ansi.OFF, Ansi.ON)) {
                String text = render(command, ansi, USER_PLACEHOLDER);
                String shortest = render(command, ansi, "u");
                if (!text.replace(USER_PLACEHOLDER, "u").equals(shortest)
                        || !StandardCharsets.US_ASCII.newEncoder().canEncode(text)) {
                    System.out.println(command + ": no rendered help (" + ansi + "); picocli renders it at run time");
                    continue;
                }
                String name = command.replace(' ', '-') + (ansi == Ansi.ON ? ".ansi.txt" : ".txt");
                Files.writeString(folder.resolve(name), text, StandardCharsets.US_ASCII);
                written++;
            }
        }
        System.out.println(written + " usage help texts rendered into " + folder);
    }

    /** {@code command --help} as picocli prints it, with {@code user} as the user's name. */
    static String render(String command, Ansi ansi, String user) {
        String saved = System.getProperty("user.name");
        System.setProperty("user.name", user);
        try {
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.remove(0);
            args.add("--help");
            CommandLine line = ClientCommand.commandLine(new ClientCommand(), null);
            StringWriter text = new StringWriter();
            line.setOut(new PrintWriter(text, true));
            line.setColorScheme(CommandLine.Help.defaultColorScheme(ansi));
            int exitCode = line.execute(args.toArray(String[]::new));
            if (exitCode != 0) {
                throw new IllegalStateException(command + " --help exited with " + exitCode);
            }
            return text.toString();
        } finally {
            System.setProperty("user.name", saved);
        }
    }
}
