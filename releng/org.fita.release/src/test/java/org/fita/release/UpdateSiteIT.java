package org.fita.release;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** The zipped p2 repository lists the FiTA feature, in its category, and carries its bundles and nothing of Eclipse's. */
class UpdateSiteIT {
    @Test
    void theRepositoryListsTheFeatureAndItsBundles() throws IOException {
        try (ZipFile site = new ZipFile(Release.file("fita-updatesite-" + Release.version() + ".zip").toFile())) {
            String content = metadata(site, "content");
            assertTrue(content.contains("id='org.fita.feature.feature.group'"), "the installable feature");
            assertTrue(content.contains("org.eclipse.equinox.p2.type.category"), "a category, so that Eclipse's dialog shows it");
            for (String bundle : new String[] {"org.fita.app", "org.fita.ui", "org.fita.server", "org.fita.transfer",
                    "org.fita.protocol", "org.fita.cli", "com.google.gson", "picocli"}) {
                assertTrue(content.contains("id='" + bundle + "'"), "the unit of " + bundle);
            }
            String artifacts = metadata(site, "artifacts");
            assertTrue(artifacts.contains("classifier='org.eclipse.update.feature' id='org.fita.feature'"), "the feature's jar");
            assertTrue(site.stream().anyMatch(e -> e.getName().matches("plugins/org\\.fita\\.app_.*\\.jar")), "org.fita.app's jar");
            assertFalse(site.stream().anyMatch(e -> e.getName().startsWith("plugins/org.eclipse.")),
                    "the platform comes from the Eclipse that installs FiTA");
        }
    }

    /** content.xml or artifacts.xml, from the .jar (or .xml.xz-free .jar) Tycho writes. */
    private static String metadata(ZipFile site, String name) throws IOException {
        var jar = site.getEntry(name + ".jar");
        assertNotNull(jar, "the repository has no " + name + ".jar");
        try (InputStream in = site.getInputStream(jar); ZipInputStream inner = new ZipInputStream(in)) {
            for (var entry = inner.getNextEntry(); entry != null; entry = inner.getNextEntry()) {
                if (entry.getName().equals(name + ".xml")) {
                    return new String(inner.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError(name + ".jar holds no " + name + ".xml");
    }
}
