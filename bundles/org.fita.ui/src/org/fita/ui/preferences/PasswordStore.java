package org.fita.ui.preferences;

import java.util.Optional;
import org.eclipse.equinox.security.storage.EncodingUtils;
import org.eclipse.equinox.security.storage.ISecurePreferences;
import org.eclipse.equinox.security.storage.SecurePreferencesFactory;
import org.eclipse.equinox.security.storage.StorageException;

/** Passwords of recent connections, encrypted in Eclipse secure storage. */
public final class PasswordStore {
    private static final String NODE = "org.fita.ui/connections";
    private static final String PASSWORD = "password";

    private PasswordStore() {
    }

    public static Optional<String> load(RecentConnection connection) {
        try {
            ISecurePreferences node = node(connection);
            return node == null ? Optional.empty() : Optional.ofNullable(node.get(PASSWORD, null));
        } catch (StorageException e) {
            return Optional.empty();
        }
    }

    /** @throws StorageException if it cannot be encrypted or written (the message says why) */
    public static void save(RecentConnection connection, String password) throws StorageException {
        ISecurePreferences node = node(connection);
        if (node == null) {
            throw new StorageException(StorageException.INTERNAL_ERROR, "Secure storage is not available.");
        }
        node.put(PASSWORD, password, true);
        try {
            node.flush();
        } catch (java.io.IOException e) {
            throw new StorageException(StorageException.INTERNAL_ERROR, e);
        }
    }

    public static void forget(RecentConnection connection) {
        ISecurePreferences node = node(connection);
        if (node != null) {
            node.removeNode();
            try {
                SecurePreferencesFactory.getDefault().flush();
            } catch (java.io.IOException e) {
                // Forgotten in memory; the next flush writes it.
            }
        }
    }

    private static ISecurePreferences node(RecentConnection connection) {
        ISecurePreferences root = SecurePreferencesFactory.getDefault();
        return root == null ? null : root.node(NODE).node(EncodingUtils.encodeSlashes(connection.account()));
    }
}
