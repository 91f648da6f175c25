package org.fita.release;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** The entries of a .tar.gz or .zip archive: name to Unix mode (0 where the archive keeps none). */
final class ArchiveEntries {
    private static final int BLOCK = 512;
    /** More than any archive of the release holds; a bound on what a broken archive can make us read. */
    private static final int MAX_ENTRIES = 100_000;

    private ArchiveEntries() {
    }

    static Map<String, Integer> of(Path archive) throws IOException {
        return archive.toString().endsWith(".zip") ? zip(archive) : tarGz(archive);
    }

    private static Map<String, Integer> zip(Path archive) throws IOException {
        Map<String, Integer> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                entries.put(entry.getName(), 0);
            }
        }
        return entries;
    }

    /** Reads ustar and GNU tar headers (GNU long names included), the formats tar and Tycho write. */
    private static Map<String, Integer> tarGz(Path archive) throws IOException {
        Map<String, Integer> entries = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 1 << 16)) {
            byte[] header = new byte[BLOCK];
            String longName = null;
            while (entries.size() < MAX_ENTRIES) {
                if (in.readNBytes(header, 0, BLOCK) < BLOCK || allZero(header)) {
                    break;
                }
                String name = text(header, 0, 100);
                int mode = (int) octal(header, 100, 8);
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                String prefix = text(header, 345, 155);
                if (!prefix.isEmpty() && text(header, 257, 6).startsWith("ustar")) {
                    name = prefix + "/" + name;
                }
                byte[] data = null;
                if (type == 'L' || type == 'x' || type == 'g') {
                    data = in.readNBytes((int) Math.min(size, 1 << 20));
                } else {
                    in.skipNBytes(size);
                }
                in.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
                if (type == 'L') {
                    longName = new String(data, StandardCharsets.UTF_8).replace("\0", "");
                    continue;
                }
                if (type == 'x' || type == 'g') {
                    continue;  // PAX attributes: nothing here needs them
                }
                entries.put(longName != null ? longName : name, mode);
                longName = null;
            }
        }
        return entries;
    }

    private static boolean allZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] header, int offset, int length) {
        String digits = text(header, offset, length).trim();
        return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
    }
}
