package org.fita.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.fita.bench.BenchOptions.Scenario;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
    private static final Path SCRATCH = Path.of("scratch");

    @Test
    void theDefaultRunIsTheShortComparison() {
        BenchOptions o = BenchOptions.parse(new String[0], SCRATCH);
        assertEquals(EnumSet.of(Scenario.STARTUP, Scenario.COMPARE, Scenario.FOLDERS, Scenario.WAN_COMPARE),
                o.scenarios());
        assertEquals(List.of(100 * Units.MIB), o.compareSizes());
        assertEquals(null, o.charts());
    }

    @Test
    void fullRunsEverythingButLoadWithEverySize() {
        BenchOptions o = BenchOptions.parse(new String[] {"--full", "--charts", "docs/charts"}, SCRATCH);
        assertFalse(o.scenarios().contains(Scenario.LOAD));
        assertTrue(o.scenarios().containsAll(EnumSet.of(Scenario.SWEEP, Scenario.TLS, Scenario.LARGE)));
        assertEquals(List.of(Units.MIB, 10 * Units.MIB, 100 * Units.MIB, Units.GIB), o.compareSizes());
        assertEquals(Path.of("docs/charts"), o.charts());
    }

    @Test
    void onlyTakesTheScenarioNamesOfTheUsage() {
        BenchOptions o = BenchOptions.parse(new String[] {"--only", "wan-compare,sweep", "--compare-sizes", "1G,10M"},
                SCRATCH);
        assertEquals(EnumSet.of(Scenario.WAN_COMPARE, Scenario.SWEEP), o.scenarios());
        assertEquals(List.of(10 * Units.MIB, Units.GIB), o.compareSizes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.parse(new String[] {"--only", "wan_compare"}, SCRATCH));
        assertTrue(e.getMessage().contains("wan-compare"), e.getMessage());
        for (Scenario s : Scenario.values()) {
            assertTrue(BenchOptions.USAGE.contains(s.optionName()), s.optionName());
        }
    }
}
