package org.fita.ui;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How sizes, speeds, durations and times read in FiTA's views. */
public final class Formats {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private Formats() {
    }

    /** "0 B", "999 B", "1.5 KiB", "12.3 MiB"; empty for a negative (unknown) size. */
    public static String bytes(long bytes) {
        if (bytes < 0) {
            return "";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, value < 10 ? "%.2f %s" : "%.1f %s", value, UNITS[unit]);
    }

    public static String speed(double bytesPerSecond) {
        return bytesPerSecond <= 0 ? "" : bytes((long) bytesPerSecond) + "/s";
    }

    /** "45 s", "3 min 20 s", "2 h 05 min"; empty while unknown. */
    public static String eta(long seconds) {
        if (seconds < 0) {
            return "";
        }
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, seconds % 3600 / 60);
    }

    /** A local date and time; empty for a negative (unknown) time. */
    public static String dateTime(long epochMillis) {
        return epochMillis < 0 ? "" : DATE_TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    public static String time(Instant instant) {
        return TIME.format(instant);
    }
}
