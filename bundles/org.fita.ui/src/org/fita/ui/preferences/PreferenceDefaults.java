package org.fita.ui.preferences;

import org.eclipse.core.runtime.preferences.AbstractPreferenceInitializer;
import org.eclipse.core.runtime.preferences.DefaultScope;
import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.fita.server.ServerConfig;
import org.fita.server.auth.AuthMode;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.RetryPolicy;
import org.fita.transfer.TransferOptions;

/** The defaults of {@link FitaPreferences}, registered in plugin.xml. */
public final class PreferenceDefaults extends AbstractPreferenceInitializer {

    @Override
    public void initializeDefaultPreferences() {
        IEclipsePreferences d = DefaultScope.INSTANCE.getNode(FitaPreferences.QUALIFIER);
        d.put(FitaPreferences.DEFAULT_SERVER, "127.0.0.1:" + ServerAddress.DEFAULT_PORT);
        d.put(FitaPreferences.DEFAULT_USER, System.getProperty("user.name", "fita"));
        d.put(FitaPreferences.RECENT_CONNECTIONS, "");
        d.putInt(FitaPreferences.BLOCK_SIZE_KIB, TransferOptions.DEFAULT_BLOCK_SIZE / 1024);
        d.put(FitaPreferences.PARALLELISM, FitaPreferences.ADAPTIVE);
        d.putInt(FitaPreferences.CONNECTIONS, 4);
        d.putInt(FitaPreferences.WINDOW, 8);
        d.putInt(FitaPreferences.BANDWIDTH_KIB, 0);
        // Enough to overlap small files' round trips; few enough that dropping a big folder does not
        // open hundreds of connections.
        d.putInt(FitaPreferences.TRANSFERS_AT_ONCE, 4);
        d.putBoolean(FitaPreferences.CONFIRM_EXIT, true);
        d.putBoolean(FitaPreferences.REQUIRE_TLS_EXCEPT_LOCAL, false);
        d.putInt(FitaPreferences.RECONNECT_ATTEMPTS, RetryPolicy.DEFAULT.attempts());
        d.putInt(FitaPreferences.RECONNECT_WITHIN_SECONDS, (int) RetryPolicy.DEFAULT.within().toSeconds());
        d.putInt(FitaPreferences.SERVER_PORT, ServerConfig.DEFAULT_PORT);
        d.put(FitaPreferences.SERVER_ROOT, ServerConfig.Builder.defaultRoot().toString());
        d.put(FitaPreferences.SERVER_AUTH, AuthMode.CLASSIC.name());
        // Off, as classic coursework clients on this computer cannot speak TLS.
        d.putBoolean(FitaPreferences.SERVER_TLS, false);
        d.putBoolean(FitaPreferences.SERVER_REQUIRE_TLS, false);
    }
}
