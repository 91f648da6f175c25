package org.fita.cli;

import java.io.Console;
import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.fita.protocol.CertificateFingerprint;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.trust.ServerTrustPrompt;

/**
 * Asks on the terminal about a server certificate that nobody vouches for, as ssh asks about an
 * unknown host key: "yes" trusts it and remembers it in known_servers, "no" refuses.
 */
final class TerminalTrustPrompt implements ServerTrustPrompt {
    /** Made when a question is asked: every command on a terminal makes a prompt, few ask it. */
    private static final class Day {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    }
    private static final int MAX_TRIES = 5;
    private final Console console;

    TerminalTrustPrompt(Console console) {
        this.console = console;
    }

    @Override
    public Answer ask(ServerAddress server, CertificateFingerprint fingerprint, X509Certificate certificate) {
        console.printf("%s%n", TerminalText.escape("The authenticity of server '" + server + "' can't be established."));
        console.printf("%s%n", TerminalText.escape("Its TLS certificate's fingerprint is " + fingerprint + "."));
        console.printf("%s%n", TerminalText.escape("(" + certificate.getSubjectX500Principal().getName() + ", valid until "
                + Day.FORMAT.format(certificate.getNotAfter().toInstant()) + ")"));
        console.printf("%s%n", "Compare it with the one the server's operator gives you (fita-server prints it when it"
                + " starts).");
        String question = "Are you sure you want to trust it and continue connecting (yes/no)? ";
        for (int i = 0; i < MAX_TRIES; i++) {
            String line = console.readLine("%s", question);
            if (line == null) {
                return Answer.REFUSE;
            }
            switch (line.strip().toLowerCase(Locale.ROOT)) {
                case "yes" -> {
                    return Answer.TRUST_ALWAYS;
                }
                case "no" -> {
                    return Answer.REFUSE;
                }
                default -> question = "Please type 'yes' or 'no': ";
            }
        }
        return Answer.REFUSE;
    }
}
