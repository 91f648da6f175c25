package org.fita.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The charts are well-formed SVG documents that name what they show. */
class ChartsTest {
    @TempDir
    Path dir;

    @Test
    void writesOneSvgPerKindOfFigure() throws Exception {
        System.setProperty("java.awt.headless", "true");
        Charts charts = new Charts();
        for (long size : List.of(Units.MIB, 100 * Units.MIB)) {
            charts.timeVsSize("upload", Compare.FITA, size, size / 100);
            charts.timeVsSize("upload", Compare.RSYNC, size, size / 200);
        }
        charts.sweep("16 MiB", "download", 1, 1, 3.5);
        charts.sweep("16 MiB", "download", 1, 4, 12.0);
        charts.wan("64 MiB", "upload", Compare.FITA, 2_000_000_000L);
        charts.folders("1000 x 10 KiB", "download", Compare.RSYNC_FSYNC, 5_000_000_000L);

        List<Path> written = charts.write(dir, "test run");

        assertEquals(List.of("bench-time-vs-size-upload.svg", "bench-throughput-download.svg", "bench-wan.svg",
                "bench-small-files.svg"), written.stream().map(p -> p.getFileName().toString()).toList());
        DocumentBuilderFactory xml = DocumentBuilderFactory.newInstance();
        // The SVG 1.1 DOCTYPE names the W3C's DTD: a test must not fetch it.
        xml.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        for (Path svg : written) {
            Document doc = xml.newDocumentBuilder().parse(svg.toFile());
            assertEquals("svg", doc.getDocumentElement().getTagName(), svg.toString());
        }
        String sizes = Files.readString(dir.resolve("bench-time-vs-size-upload.svg"));
        assertTrue(sizes.contains(">" + Compare.FITA + "<") && sizes.contains(">" + Compare.RSYNC + "<"), sizes);
        assertTrue(Files.readString(dir.resolve("bench-small-files.svg")).contains(">rsync --fsync<"));
    }

    @Test
    void nothingMeasuredWritesNothing() throws Exception {
        assertEquals(List.of(), new Charts().write(dir.resolve("charts"), "empty"));
    }
}
