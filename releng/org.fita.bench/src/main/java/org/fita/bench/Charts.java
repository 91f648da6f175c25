package org.fita.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGHints;
import org.jfree.svg.SVGUtils;

/**
 * The figures of a run as SVG charts (JFreeChart drawing into JFreeSVG), for docs/BENCHMARKS.md:
 * time against file size per tool, throughput against connections and requests in flight, the
 * WAN case and the folder of small files. Scenarios add points as they measure; {@link #write}
 * draws whatever the run measured.
 */
final class Charts {
    private static final int WIDTH = 760;
    private static final int HEIGHT = 440;
    /** Same colour for the same tool in every chart. */
    private static final Map<String, Color> COLOURS = Map.of(
            "fita command", new Color(0xC0392B),
            "fita engine (warm JVM)", new Color(0xE67E22),
            "rsync daemon", new Color(0x2471A3),
            "rsync --fsync", new Color(0x5DADE2),
            "scp", new Color(0x229954),
            "md5sum", new Color(0x7F8C8D));

    /** direction -> series -> size in bytes -> seconds. */
    private final Map<String, Map<String, Map<Long, Double>>> timeVsSize = new LinkedHashMap<>();
    /** direction -> connections -> window -> MB/s. */
    private final Map<String, Map<Integer, Map<Integer, Double>>> sweep = new LinkedHashMap<>();
    private String sweepTitle = "";
    private final DefaultCategoryDataset wan = new DefaultCategoryDataset();
    private String wanTitle = "";
    private final DefaultCategoryDataset folders = new DefaultCategoryDataset();
    private final DefaultCategoryDataset tls = new DefaultCategoryDataset();
    private String tlsTitle = "";
    private String foldersTitle = "";

    synchronized void timeVsSize(String direction, String series, long bytes, long nanos) {
        timeVsSize.computeIfAbsent(direction, d -> new LinkedHashMap<>()).computeIfAbsent(series,
                s -> new LinkedHashMap<>()).put(bytes, nanos / 1e9);
    }

    synchronized void sweep(String title, String direction, int connections, int window, double megabytesPerSecond) {
        sweepTitle = title;
        sweep.computeIfAbsent(direction, d -> new LinkedHashMap<>()).computeIfAbsent(connections,
                c -> new LinkedHashMap<>()).put(window, megabytesPerSecond);
    }

    synchronized void wan(String title, String direction, String series, long nanos) {
        wanTitle = title;
        wan.addValue(nanos / 1e9, series, direction);
    }

    synchronized void folders(String title, String direction, String series, long nanos) {
        foldersTitle = title;
        folders.addValue(nanos / 1e9, series, direction);
    }

    synchronized void tls(String title, String direction, String series, long nanos) {
        tlsTitle = title;
        tls.addValue(nanos / 1e9, series, direction);
    }

    /** Writes every chart that has data into {@code dir}; returns the files written. */
    synchronized List<Path> write(Path dir, String subtitle) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (var entry : timeVsSize.entrySet()) {
            written.add(save(timeChart(entry.getKey(), entry.getValue()), dir, "bench-time-vs-size-"
                    + entry.getKey() + ".svg", subtitle));
        }
        for (var entry : sweep.entrySet()) {
            written.add(save(sweepChart(entry.getKey(), entry.getValue()), dir, "bench-throughput-"
                    + entry.getKey() + ".svg", subtitle));
        }
        if (wan.getRowCount() > 0) {
            written.add(save(bars(wanTitle, wan), dir, "bench-wan.svg", subtitle));
        }
        if (folders.getRowCount() > 0) {
            written.add(save(bars(foldersTitle, folders), dir, "bench-small-files.svg", subtitle));
        }
        if (tls.getRowCount() > 0) {
            written.add(save(bars(tlsTitle, tls), dir, "bench-tls.svg", subtitle));
        }
        return written;
    }

    private static JFreeChart timeChart(String direction, Map<String, Map<Long, Double>> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (var s : series.entrySet()) {
            XYSeries points = new XYSeries(s.getKey());
            s.getValue().forEach((bytes, seconds) -> points.add(bytes / (double) Units.MIB, seconds));
            data.addSeries(points);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(capitalised(direction) + " time against file size, 127.0.0.1",
                "file size (MiB)", "seconds, best of the runs", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis sizes = logAxis("file size (MiB, log scale)");
        sizes.setBase(2);
        plot.setDomainAxis(sizes);
        plot.setRangeAxis(logAxis("seconds, best of the runs (log scale)"));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, colour(data.getSeriesKey(i).toString(), i));
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        return style(chart);
    }

    private JFreeChart sweepChart(String direction, Map<Integer, Map<Integer, Double>> byConnections) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (var c : byConnections.entrySet()) {
            XYSeries points = new XYSeries(c.getKey() + (c.getKey() == 1 ? " connection" : " connections"));
            c.getValue().forEach((window, rate) -> points.add((double) window, rate));
            data.addSeries(points);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(capitalised(direction) + " throughput against requests in flight",
                "requests in flight per connection", "MB/s", data, PlotOrientation.VERTICAL, true, false, false);
        chart.addSubtitle(new TextTitle(sweepTitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        XYPlot plot = chart.getXYPlot();
        LogAxis windows = logAxis("requests in flight per connection (log scale)");
        windows.setBase(2);
        plot.setDomainAxis(windows);
        NumberAxis rate = new NumberAxis("MB/s");
        rate.setAutoRangeIncludesZero(true);
        plot.setRangeAxis(rate);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        Color[] palette = {new Color(0x7F8C8D), new Color(0x2471A3), new Color(0xE67E22), new Color(0xC0392B),
            new Color(0x229954), new Color(0x8E44AD)};
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesPaint(i, palette[i % palette.length]);
        }
        plot.setRenderer(renderer);
        return style(chart);
    }

    private static JFreeChart bars(String title, DefaultCategoryDataset data) {
        JFreeChart chart = ChartFactory.createBarChart(title, "", "seconds, best of the runs (lower is better)", data,
                PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        for (int i = 0; i < data.getRowCount(); i++) {
            renderer.setSeriesPaint(i, colour(data.getRowKey(i).toString(), i));
        }
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return style(chart);
    }

    private static String capitalised(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    private static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setBase(10);
        axis.setNumberFormatOverride(new DecimalFormat("0.###"));
        // One tick per power of the base (1, 10, 100 or 1, 2, 4, ...), not at fractional powers.
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setSmallestValue(1e-3);
        return axis;
    }

    private static Color colour(String series, int index) {
        Color fixed = COLOURS.get(series);
        if (fixed != null) {
            return fixed;
        }
        Color[] others = {new Color(0x8E44AD), new Color(0x16A085), new Color(0xD4AC0D), new Color(0x34495E)};
        return others[index % others.length];
    }

    private static JFreeChart style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(Color.WHITE);
        if (chart.getPlot() instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
            xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        return chart;
    }

    private static Path save(JFreeChart chart, Path dir, String name, String subtitle) throws IOException {
        chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.ITALIC, 11)));
        SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
        // Text as SVG text elements, not glyph outlines: smaller files that still read as text.
        g2.setRenderingHint(SVGHints.KEY_DRAW_STRING_TYPE, SVGHints.VALUE_DRAW_STRING_TYPE_STANDARD);
        // Fixed ids: a rerun that measured the same figures writes the same file.
        g2.setDefsKeyPrefix("fita-" + name.replace(".svg", ""));
        chart.draw(g2, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
        Path file = dir.resolve(name);
        SVGUtils.writeToSVG(file.toFile(), g2.getSVGElement());
        if (Boolean.getBoolean("fita.bench.png")) {
            // A bitmap beside the SVG, to look at the charts where no SVG viewer is at hand.
            ChartUtils.saveChartAsPNG(dir.resolve(name.replace(".svg", ".png")).toFile(), chart, WIDTH, HEIGHT);
        }
        return file;
    }
}
