package org.fita.ui.preferences;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.spec.PBEKeySpec;
import org.eclipse.equinox.security.storage.provider.IPreferencesContainer;
import org.eclipse.equinox.security.storage.provider.PasswordProvider;

/**
 * The master password of secure storage where no keyring module is installed (Maven Central has
 * none that works without a desktop keyring): a random key in {@code ~/.fita/secure-storage.key},
 * readable by its owner only. Registered with a low priority, so a keyring provider wins.
 */
public final class KeyFilePasswordProvider extends PasswordProvider {

    static Path keyFile() {
        return Path.of(System.getProperty("user.home"), ".fita", "secure-storage.key");
    }

    @Override
    public PBEKeySpec getPassword(IPreferencesContainer container, int passwordType) {
        try {
            Path file = keyFile();
            if (!Files.exists(file)) {
                create(file);
            }
            return new PBEKeySpec(Files.readString(file, StandardCharsets.US_ASCII).trim().toCharArray());
        } catch (IOException e) {
            return null; // secure storage then reports that no password is available
        }
    }

    private static void create(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            return; // another workbench made it first
        } catch (UnsupportedOperationException e) {
            Files.createFile(file); // not a POSIX file system: the user's folder protects it
        }
        Files.writeString(file, Base64.getEncoder().encodeToString(key), StandardCharsets.US_ASCII);
    }
}
