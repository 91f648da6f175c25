package org.fita.bench;

import java.util.Locale;

/** Sizes, durations and rates as the report prints them; MB/s means 10^6 bytes per second. */
final class Units {
    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;
    static final long GIB = 1024 * MIB;

    private Units() {
    }

    /** Parses 10K, 100M, 1G (binary multiples) or a plain byte count. */
    static long parseSize(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        long unit = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'K' -> KIB;
            case 'M' -> MIB;
            case 'G' -> GIB;
            default -> 1;
        };
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            return Long.parseLong(digits) * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size such as 10K, 100M or 1G.");
        }
    }

    static String size(long bytes) {
        if (bytes >= GIB && bytes % GIB == 0) {
            return bytes / GIB + " GiB";
        }
        if (bytes >= MIB && bytes % MIB == 0) {
            return bytes / MIB + " MiB";
        }
        if (bytes >= KIB && bytes % KIB == 0) {
            return bytes / KIB + " KiB";
        }
        return bytes + " B";
    }

    static String mib(long bytes) {
        return bytes < 0 ? "–" : String.format(Locale.ROOT, "%.0f MiB", bytes / (double) MIB);
    }

    static String seconds(long nanos) {
        double s = nanos / 1e9;
        return String.format(Locale.ROOT, s < 1 ? "%.3f s" : s < 10 ? "%.2f s" : "%.1f s", s);
    }

    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    static double megabytesPerSecond(long bytes, long nanos) {
        return bytes / (nanos / 1e9) / 1e6;
    }

    static String rate(long bytes, long nanos) {
        double mbps = megabytesPerSecond(bytes, nanos);
        return String.format(Locale.ROOT, mbps < 10 ? "%.2f MB/s" : "%.0f MB/s", mbps);
    }

    static String ratio(double value) {
        return String.format(Locale.ROOT, value < 10 ? "%.2fx" : "%.0fx", value);
    }

    static String perSecond(long count, long nanos) {
        return String.format(Locale.ROOT, "%.0f", count / (nanos / 1e9));
    }
}
