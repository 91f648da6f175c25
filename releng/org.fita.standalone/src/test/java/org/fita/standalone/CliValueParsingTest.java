package org.fita.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.fita.cli.ByteSizes;
import org.fita.cli.Durations;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** The option value forms of the FiTA commands; plain unit tests, run by surefire before the jar is built. */
class CliValueParsingTest {
    @Test
    void durationsTakeUnitsAndBareSeconds() {
        assertEquals(Duration.ofHours(24), Durations.parse("24h"));
        assertEquals(Duration.ofMinutes(30), Durations.parse("30m"));
        assertEquals(Duration.ofSeconds(3600), Durations.parse("3600s"));
        assertEquals(Duration.ofSeconds(300), Durations.parse("300"));
        assertEquals(Duration.ofDays(7), Durations.parse("7D"));
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("1.5h"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("-5m"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("soon"));
    }

    @Test
    void durationsFormatBackToWhatTheyParse() {
        assertEquals("24h", Durations.format(Duration.ofHours(24)));
        assertEquals("5m", Durations.format(Duration.ofMinutes(5)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
        assertEquals("0s", Durations.format(Duration.ZERO));
    }

    @Test
    void sizesTakeBinaryUnits() {
        assertEquals(20480, ByteSizes.parse("20480"));
        assertEquals(20480, ByteSizes.parse("20K"));
        assertEquals(16L << 20, ByteSizes.parse("16M"));
        assertEquals(16L << 20, ByteSizes.parse("16MiB"));
        assertEquals(64L << 30, ByteSizes.parse("64g"));
        assertEquals(1L << 40, ByteSizes.parse("1T"));
        assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("12X"));
        assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("99999999999T"));
        assertThrows(IllegalArgumentException.class, () -> ByteSizes.parseInt("2G"));
    }

    @Test
    void sizesFormatInTheLargestExactUnit() {
        assertEquals("64G", ByteSizes.format(64L << 30));
        assertEquals("16M", ByteSizes.format(16 << 20));
        assertEquals("20K", ByteSizes.format(20480));
        assertEquals("1000", ByteSizes.format(1000));
        assertEquals("0", ByteSizes.format(0));
    }

    @Test
    void ratesTakeSizesWithOrWithoutPerSecond() {
        ByteSizes.RateConverter rate = new ByteSizes.RateConverter();
        assertEquals(10L << 20, rate.convert("10M/s"));
        assertEquals(10L << 20, rate.convert("10MiB/s"));
        assertEquals(500L << 10, rate.convert("500K"));
        assertThrows(TypeConversionException.class, () -> rate.convert("fast"));
    }

    @Test
    void sizesForPeopleHaveOneDecimalAndBinaryUnits() {
        assertEquals("0 B", ByteSizes.human(0));
        assertEquals("1023 B", ByteSizes.human(1023));
        assertEquals("1.0 KiB", ByteSizes.human(1024));
        assertEquals("1.5 MiB", ByteSizes.human(3 << 19));
        assertEquals("190.7 MiB", ByteSizes.human(200_000_000));
        assertEquals("2.0 TiB", ByteSizes.human(2L << 40));
        assertEquals("1024.0 KiB", ByteSizes.human(1024 * 1024 - 1));
    }

    @Test
    void oneDecimalRoundsHalfUp() {
        assertEquals("0.0", ByteSizes.oneDecimal(0));
        assertEquals("0.0", ByteSizes.oneDecimal(0.04));
        assertEquals("0.1", ByteSizes.oneDecimal(0.05));
        assertEquals("12.3", ByteSizes.oneDecimal(12.34));
        assertEquals("12.4", ByteSizes.oneDecimal(12.36));
        assertEquals("1024.0", ByteSizes.oneDecimal(1023.96));
        assertEquals("-2.5", ByteSizes.oneDecimal(-2.5));
    }
}
