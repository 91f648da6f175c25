package org.fita.ui.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jface.preference.IPreferenceStore;
import org.fita.ui.preferences.FitaPreferences;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * What every UI test class shares: a scratch folder of its own, a workbench that does not ask before
 * it exits, and after each test the local server stopped and the transfer preferences back at
 * their defaults.
 */
abstract class WorkbenchFixture {
    private static final String[] TRANSFER_PREFERENCES = {FitaPreferences.PARALLELISM, FitaPreferences.CONNECTIONS,
        FitaPreferences.WINDOW, FitaPreferences.BLOCK_SIZE_KIB, FitaPreferences.BANDWIDTH_KIB,
        FitaPreferences.TRANSFERS_AT_ONCE, FitaPreferences.RECONNECT_ATTEMPTS};

    static Path scratch;

    @BeforeAll
    static void makeScratch() throws IOException {
        scratch = Files.createTempDirectory("fita-ui-test");
        Fita.doNotAskBeforeExit();
    }

    @AfterAll
    static void removeScratch() throws IOException {
        Fita.deleteTree(scratch);
    }

    @AfterEach
    void stopTheLocalServerAndRestorePreferences() {
        Fita.runner().stop();
        IPreferenceStore store = FitaPreferences.store();
        for (String key : TRANSFER_PREFERENCES) {
            store.setToDefault(key);
        }
        Fita.doNotAskBeforeExit();
    }
}
