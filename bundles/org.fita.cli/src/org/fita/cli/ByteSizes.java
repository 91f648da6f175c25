package org.fita.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Byte counts as people type them: {@code 1048576}, {@code 20K}, {@code 16M}, {@code 64G}. Units are
 * binary (K = 1024), as block and file limits are; a trailing {@code B} or {@code iB} is allowed.
 */
public final class ByteSizes {
    private static final Pattern TEXT = Pattern.compile("(\\d{1,19})\\s*(?:([kmgt])(?:i?b)?|b)?");
    private static final String UNITS = "kmgt";

    private ByteSizes() {
    }

    /** @throws IllegalArgumentException with a message naming the accepted forms */
    public static long parse(String text) {
        Matcher m = TEXT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size in bytes; write a whole number with"
                    + " an optional unit K, M, G or T (powers of 1024), such as 20480, 64K or 16M.");
        }
        try {
            long value = Long.parseLong(m.group(1));
            int shift = m.group(2) == null ? 0 : 10 * (UNITS.indexOf(m.group(2)) + 1);
            if (value > Long.MAX_VALUE >> shift) {
                throw new NumberFormatException();
            }
            return value << shift;
        } catch (NumberFormatException tooLarge) {
            throw new IllegalArgumentException("'" + text + "' is too large a size.");
        }
    }

    /** {@link #parse} for values that must fit an int, such as frame and block limits. */
    public static int parseInt(String text) {
        long value = parse(text);
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("'" + text + "' is too large here; the most is "
                    + format(Integer.MAX_VALUE) + " bytes.");
        }
        return (int) value;
    }

    /** The shortest form {@link #parse} reads back to the same value: 64G, 16M, 20K, 1000. */
    public static String format(long bytes) {
        int unit = -1;
        while (unit + 1 < UNITS.length() && bytes != 0 && bytes % 1024 == 0) {
            bytes /= 1024;
            unit++;
        }
        return unit < 0 ? Long.toString(bytes) : bytes + UNITS.substring(unit, unit + 1).toUpperCase(Locale.ROOT);
    }

    /** For people reading output: 1023 B, 1.5 KiB, 200.0 MiB (one decimal from KiB on). */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit + 1 < UNITS.length()) {
            value /= 1024;
            unit++;
        }
        return oneDecimal(value) + " " + UNITS.substring(unit, unit + 1).toUpperCase(Locale.ROOT) + "iB";
    }

    /**
     * {@code value} with one decimal, rounded half up, as {@code %.1f} writes it in the root locale;
     * without a formatter, which costs a cold JVM more than a line per transferred file is worth.
     */
    public static String oneDecimal(double value) {
        long tenths = Math.round(Math.abs(value) * 10);
        return (value < 0 && tenths != 0 ? "-" : "") + tenths / 10 + "." + tenths % 10;
    }

    /** Lets picocli options of type {@code long} take sizes. */
    public static final class LongConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Lets picocli options of type {@code long} take rates such as {@code 10M/s}; the {@code /s} may be left out. */
    public static final class RateConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String perSecond = value.trim();
            if (perSecond.toLowerCase(Locale.ROOT).endsWith("/s")) {
                perSecond = perSecond.substring(0, perSecond.length() - 2);
            }
            return new LongConverter().convert(perSecond);
        }
    }

    /** Lets picocli options of type {@code int} take sizes. */
    public static final class IntConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return parseInt(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
