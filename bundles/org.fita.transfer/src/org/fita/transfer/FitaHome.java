package org.fita.transfer;

import java.nio.file.Path;

/**
 * The folder where FiTA keeps its client state (journal, transfer list): the system property
 * {@code fita.home}, else the environment variable {@code FITA_HOME}, else {@code ~/.fita}. Tests
 * and second instances set one of the first two so that the user's own state is never touched.
 */
public final class FitaHome {
    public static final String PROPERTY = "fita.home";
    public static final String VARIABLE = "FITA_HOME";

    private FitaHome() {
    }

    public static Path dir() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String variable = System.getenv(VARIABLE);
        if (variable != null && !variable.isBlank()) {
            return Path.of(variable);
        }
        return Path.of(System.getProperty("user.home"), ".fita");
    }
}
