package org.fita.release;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the release under test lies (target/release of this module) and what it is called. */
final class Release {
    private Release() {
    }

    /** 0.1.0 for a build of 0.1.0-SNAPSHOT, as package-release names the files. */
    static String version() {
        String version = System.getProperty("fita.release.version", "");
        assertTrue(!version.isEmpty(), "fita.release.version is not set: run the tests through Maven (-Prelease)");
        return version.replace("-SNAPSHOT", "");
    }

    static Path dir() {
        String dir = System.getProperty("fita.release.dir", "");
        assertTrue(!dir.isEmpty(), "fita.release.dir is not set: run the tests through Maven (-Prelease)");
        Path path = Path.of(dir);
        assertTrue(Files.isDirectory(path), path + " is missing: package-release did not run");
        return path;
    }

    /** A file of the release, which must exist. */
    static Path file(String name) {
        Path file = dir().resolve(name);
        assertTrue(Files.isRegularFile(file), "the release has no " + name);
        return file;
    }

    /** The platforms of the workbench archives, as Tycho names them (os.ws.arch). */
    enum Platform {
        LINUX_X86_64("linux", "gtk", "x86_64"),
        LINUX_AARCH64("linux", "gtk", "aarch64"),
        WINDOWS_X86_64("win32", "win32", "x86_64"),
        MACOS_X86_64("macosx", "cocoa", "x86_64"),
        MACOS_AARCH64("macosx", "cocoa", "aarch64");

        final String os;
        final String ws;
        final String arch;

        Platform(String os, String ws, String arch) {
            this.os = os;
            this.ws = ws;
            this.arch = arch;
        }

        boolean windows() {
            return os.equals("win32");
        }

        boolean macos() {
            return os.equals("macosx");
        }

        /** The one top folder of the archive: an application bundle on macOS. */
        String root() {
            return macos() ? "FiTA.app/" : "fita-workbench/";
        }

        /** Where the product (plugins/, configuration/, the start script) lies in the archive. */
        String product() {
            return macos() ? "FiTA.app/Contents/Eclipse/" : "fita-workbench/";
        }

        /** org.eclipse.swt.gtk.linux.x86_64: SWT's fragment for this platform. */
        String swtFragment() {
            return "org.eclipse.swt." + ws + "." + os + "." + arch;
        }

        Path archive() {
            return file("fita-workbench-" + version() + "-" + os + "." + ws + "." + arch + (windows() ? ".zip" : ".tar.gz"));
        }
    }
}
