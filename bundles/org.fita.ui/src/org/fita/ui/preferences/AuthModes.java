package org.fita.ui.preferences;

import org.fita.server.auth.AuthMode;

/** How the authentication modes read in the preferences and the Local Server view. */
public final class AuthModes {
    private AuthModes() {
    }

    public static String label(AuthMode mode) {
        return switch (mode) {
            case CLASSIC -> "Classic: password = md5(username)";
            case ACCOUNTS -> "Accounts: fita-server user add";
        };
    }
}
