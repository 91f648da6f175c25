package org.fita.transfer.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.fita.protocol.CertificateFingerprint;
import org.fita.transfer.AtomicFiles;
import org.fita.transfer.FitaHome;
import org.fita.transfer.ServerAddress;

/**
 * The servers whose certificates were accepted on first use, as OpenSSH's {@code known_hosts}: one
 * line per host and port, {@code HOST:PORT SHA256:FINGERPRINT YYYY-MM-DD} (the date it was
 * accepted), for example {@code example.org:1379 SHA256:n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg 2026-12-02}.
 * IPv6 hosts are written in brackets. Lines starting with {@code #} and blank lines are ignored, so
 * a person may edit the file. Every change rewrites the whole file atomically.
 */
public final class KnownServers {
    /** The file's name under the FiTA home. */
    public static final String FILE_NAME = "known_servers";
    /** A larger file is refused rather than read: it cannot be a list a person keeps. */
    static final long MAX_BYTES = 4L << 20;
    private static final Object WRITING = new Object();

    /** One remembered server. */
    public record Entry(String server, CertificateFingerprint fingerprint, LocalDate accepted) {
        /** The line as the file holds it. */
        public String line() {
            return server + " " + fingerprint + (accepted == null ? "" : " " + accepted);
        }
    }

    private final Path file;

    public KnownServers(Path file) {
        this.file = file;
    }

    /** {@code known_servers} under {@link FitaHome#dir()}. */
    public static KnownServers inFitaHome() {
        return new KnownServers(FitaHome.dir().resolve(FILE_NAME));
    }

    public Path file() {
        return file;
    }

    /** How a server is written in the file: {@code host:port}, the host in lower case. */
    public static String key(ServerAddress server) {
        return new ServerAddress(server.host().toLowerCase(Locale.ROOT), server.port()).toString();
    }

    /** The remembered certificate of {@code server}, if any. */
    public Optional<Entry> find(ServerAddress server) throws IOException {
        String key = key(server);
        return entries().stream().filter(e -> e.server().equals(key)).findFirst();
    }

    /** Every well-formed line, in file order; malformed lines are skipped. */
    public List<Entry> entries() throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (String line : lines()) {
            parse(line).ifPresent(entries::add);
        }
        return entries;
    }

    /** Remembers (or replaces) the certificate of {@code server}, accepted today. */
    public Entry remember(ServerAddress server, CertificateFingerprint fingerprint) throws IOException {
        Entry entry = new Entry(key(server), fingerprint, LocalDate.now());
        synchronized (WRITING) {
            List<String> kept = new ArrayList<>();
            for (String line : lines()) {
                if (parse(line).map(e -> !e.server().equals(entry.server())).orElse(true)) {
                    kept.add(line);
                }
            }
            kept.add(entry.line());
            write(kept);
        }
        return entry;
    }

    /** Forgets {@code server}; returns whether it was remembered. */
    public boolean remove(ServerAddress server) throws IOException {
        String key = key(server);
        synchronized (WRITING) {
            List<String> lines = lines();
            List<String> kept = lines.stream()
                    .filter(line -> parse(line).map(e -> !e.server().equals(key)).orElse(true)).toList();
            if (kept.size() == lines.size()) {
                return false;
            }
            write(kept);
            return true;
        }
    }

    private List<String> lines() throws IOException {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IOException(file + " is larger than " + (MAX_BYTES >> 20) + " MiB: it is not a list of"
                        + " known servers. Move it away.");
            }
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    private void write(List<String> lines) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append('\n');
        }
        AtomicFiles.replace(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Optional<Entry> parse(String line) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
            return Optional.empty();
        }
        String[] parts = t.split("\\s+");
        if (parts.length < 2) {
            return Optional.empty();
        }
        try {
            ServerAddress server = ServerAddress.parse(parts[0]);
            CertificateFingerprint fingerprint = CertificateFingerprint.parse(parts[1]);
            LocalDate accepted = parts.length > 2 ? LocalDate.parse(parts[2]) : null;
            return Optional.of(new Entry(key(server), fingerprint, accepted));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
