import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.function.Consumer;
import javax.imageio.ImageIO;

/**
 * Draws FiTA's icons as PNG files from simple shapes (no fonts, no downloads), so that they can be
 * regenerated on any machine with a JDK: {@code java releng/scripts/MakeIcons.java}.
 * Every icon is designed on a 16-unit grid and scaled.
 */
public class MakeIcons {
    private static final Color BLUE = new Color(0x1f6feb);
    private static final Color DARK_BLUE = new Color(0x0b3d91);
    private static final Color GREEN = new Color(0x2da44e);
    private static final Color RED = new Color(0xcf222e);
    private static final Color GREY = new Color(0x6e7781);
    private static final Color PAPER = new Color(0xf6f8fa);
    private static final Color YELLOW = new Color(0xe3b341);

    public static void main(String[] args) throws IOException {
        String root = args.length > 0 ? args[0] : ".";
        String app = root + "/bundles/org.fita.app/icons/";
        String ui = root + "/bundles/org.fita.ui/icons/";
        for (int size : new int[] {16, 32, 48, 64, 128, 256}) {
            write(app + "fita" + size + ".png", size, MakeIcons::logo);
        }
        write(ui + "server.png", 16, MakeIcons::server);
        write(ui + "explorer.png", 16, MakeIcons::explorer);
        write(ui + "transfers.png", 16, MakeIcons::transfers);
        write(ui + "upload.png", 16, g -> arrowToTray(g, BLUE, true));
        write(ui + "download.png", 16, g -> arrowToTray(g, GREEN, false));
        write(ui + "delete.png", 16, MakeIcons::cross);
        write(ui + "refresh.png", 16, MakeIcons::refresh);
        write(ui + "copy.png", 16, MakeIcons::copy);
        write(ui + "copy_md5.png", 16, MakeIcons::copyMd5);
        write(ui + "connect.png", 16, MakeIcons::connect);
        write(ui + "local.png", 16, MakeIcons::house);
        write(ui + "start.png", 16, MakeIcons::play);
        write(ui + "stop.png", 16, MakeIcons::stop);
        write(ui + "pause.png", 16, MakeIcons::pause);
        write(ui + "cancel.png", 16, MakeIcons::cancel);
        write(ui + "remove.png", 16, MakeIcons::remove);
        write(ui + "file.png", 16, g -> page(g));
        write(ui + "file_text.png", 16, MakeIcons::textPage);
        write(ui + "file_image.png", 16, MakeIcons::imagePage);
        write(ui + "file_archive.png", 16, MakeIcons::archivePage);
        write(ui + "folder.png", 16, MakeIcons::folder);
        write(ui + "up.png", 16, MakeIcons::up);
        write(ui + "lock.png", 16, MakeIcons::lock);
    }

    private static void write(String path, int size, Consumer<Graphics2D> draw) throws IOException {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.scale(size / 16.0, size / 16.0);
        draw.accept(g);
        g.dispose();
        File file = new File(path);
        file.getParentFile().mkdirs();
        ImageIO.write(image, "png", file);
    }

    private static void stroke(Graphics2D g, Color c, double width) {
        g.setColor(c);
        g.setStroke(new BasicStroke((float) width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    }

    /** A rounded blue square with an up arrow and a down arrow: two-way transfer. */
    private static void logo(Graphics2D g) {
        g.setPaint(new GradientPaint(0, 0, BLUE, 16, 16, DARK_BLUE));
        g.fill(new RoundRectangle2D.Double(0.5, 0.5, 15, 15, 5, 5));
        g.setColor(Color.WHITE);
        g.fill(arrow(5.2, 3, 13, true, 2.0, 5.2));
        g.fill(arrow(10.8, 3, 13, false, 2.0, 5.2));
    }

    /** A vertical arrow at {@code x} from {@code top} to {@code bottom}, pointing up or down. */
    private static Path2D arrow(double x, double top, double bottom, boolean up, double shaft, double head) {
        double headLength = head * 0.8;
        Path2D p = new Path2D.Double();
        if (up) {
            p.moveTo(x, top);
            p.lineTo(x + head / 2, top + headLength);
            p.lineTo(x + shaft / 2, top + headLength);
            p.lineTo(x + shaft / 2, bottom);
            p.lineTo(x - shaft / 2, bottom);
            p.lineTo(x - shaft / 2, top + headLength);
            p.lineTo(x - head / 2, top + headLength);
        } else {
            p.moveTo(x, bottom);
            p.lineTo(x + head / 2, bottom - headLength);
            p.lineTo(x + shaft / 2, bottom - headLength);
            p.lineTo(x + shaft / 2, top);
            p.lineTo(x - shaft / 2, top);
            p.lineTo(x - shaft / 2, bottom - headLength);
            p.lineTo(x - head / 2, bottom - headLength);
        }
        p.closePath();
        return p;
    }

    private static void server(Graphics2D g) {
        for (int i = 0; i < 3; i++) {
            double y = 1.5 + i * 4.6;
            g.setColor(new Color(0x57606a));
            g.fill(new RoundRectangle2D.Double(1.5, y, 13, 3.8, 1.5, 1.5));
            g.setColor(i == 0 ? new Color(0x3fb950) : new Color(0xd0d7de));
            g.fill(new Ellipse2D.Double(11, y + 1.2, 1.6, 1.6));
            g.setColor(new Color(0xd0d7de));
            g.fill(new RoundRectangle2D.Double(3, y + 1.4, 6, 1, 0.5, 0.5));
        }
    }

    private static void explorer(Graphics2D g) {
        folder(g);
        g.setColor(BLUE);
        g.fill(arrow(8, 6.5, 12.5, false, 1.6, 4.2));
    }

    /** A yellow folder with its tab: a folder of keys in the explorer. */
    private static void folder(Graphics2D g) {
        g.setColor(new Color(0xbf8700));
        g.fill(new RoundRectangle2D.Double(1, 3, 6, 3, 1.5, 1.5));
        g.setColor(YELLOW);
        g.fill(new RoundRectangle2D.Double(1, 4.5, 14, 9.5, 1.5, 1.5));
    }

    /** An elbow arrow climbing to the parent folder. */
    private static void up(Graphics2D g) {
        stroke(g, GREEN, 2.2);
        Path2D elbow = new Path2D.Double();
        elbow.moveTo(14, 13.5);
        elbow.lineTo(6, 13.5);
        elbow.lineTo(6, 6);
        g.draw(elbow);
        g.fill(new Polygon(new int[] {6, 11, 1}, new int[] {1, 7, 7}, 3));
    }

    private static void transfers(Graphics2D g) {
        g.setColor(BLUE);
        g.fill(arrow(5, 1.5, 14.5, true, 2.2, 6));
        g.setColor(GREEN);
        g.fill(arrow(11, 1.5, 14.5, false, 2.2, 6));
    }

    private static void arrowToTray(Graphics2D g, Color color, boolean up) {
        stroke(g, GREY, 1.5);
        Path2D tray = new Path2D.Double();
        tray.moveTo(2, 10.5);
        tray.lineTo(2, 14);
        tray.lineTo(14, 14);
        tray.lineTo(14, 10.5);
        g.draw(tray);
        g.setColor(color);
        g.fill(arrow(8, 1, 11.5, up, 2.6, 7.5));
    }

    private static void cross(Graphics2D g) {
        stroke(g, RED, 2.6);
        g.drawLine(3, 3, 13, 13);
        g.drawLine(13, 3, 3, 13);
    }

    private static void refresh(Graphics2D g) {
        stroke(g, GREEN, 2);
        g.draw(new Arc2D.Double(2.5, 2.5, 11, 11, 70, 290, Arc2D.OPEN));
        g.fill(new Polygon(new int[] {8, 14, 9}, new int[] {0, 3, 7}, 3));
    }

    private static void sheet(Graphics2D g, double x, double y) {
        g.setColor(PAPER);
        g.fill(new RoundRectangle2D.Double(x, y, 8.5, 10.5, 1.5, 1.5));
        stroke(g, GREY, 1);
        g.draw(new RoundRectangle2D.Double(x, y, 8.5, 10.5, 1.5, 1.5));
    }

    private static void copy(Graphics2D g) {
        sheet(g, 1.5, 1.5);
        sheet(g, 6, 4);
    }

    private static void copyMd5(Graphics2D g) {
        sheet(g, 1.5, 1.5);
        sheet(g, 6, 4);
        stroke(g, BLUE, 1);
        g.drawLine(8, 7, 8, 13);
        g.drawLine(11, 7, 11, 13);
        g.drawLine(7, 9, 12, 9);
        g.drawLine(7, 11, 12, 11);
    }

    private static void connect(Graphics2D g) {
        stroke(g, GREY, 1.6);
        g.draw(new RoundRectangle2D.Double(8, 2, 6.5, 12, 2, 2));
        stroke(g, BLUE, 2.2);
        g.drawLine(1, 8, 9, 8);
        g.fill(new Polygon(new int[] {12, 7, 7}, new int[] {8, 4, 12}, 3));
    }

    private static void house(Graphics2D g) {
        g.setColor(BLUE);
        g.fill(new Polygon(new int[] {8, 15, 1}, new int[] {1, 8, 8}, 3));
        g.fill(new RoundRectangle2D.Double(3, 7, 10, 8, 1, 1));
        g.setColor(Color.WHITE);
        g.fill(new RoundRectangle2D.Double(6.5, 10, 3, 5, 0.8, 0.8));
    }

    /** A closed padlock: connected over TLS. */
    private static void lock(Graphics2D g) {
        stroke(g, GREY, 1.8);
        g.draw(new Arc2D.Double(4.5, 1.8, 7, 9, 0, 180, Arc2D.OPEN));
        g.draw(new java.awt.geom.Line2D.Double(4.5, 6.3, 4.5, 8));
        g.draw(new java.awt.geom.Line2D.Double(11.5, 6.3, 11.5, 8));
        g.setColor(GREEN);
        g.fill(new RoundRectangle2D.Double(2.5, 7, 11, 8, 2, 2));
        g.setColor(Color.WHITE);
        g.fill(new Ellipse2D.Double(6.8, 9, 2.4, 2.4));
        g.fill(new RoundRectangle2D.Double(7.4, 10.5, 1.2, 2.8, 0.6, 0.6));
    }

    private static void play(Graphics2D g) {
        g.setColor(GREEN);
        g.fill(new Polygon(new int[] {4, 14, 4}, new int[] {2, 8, 14}, 3));
    }

    private static void stop(Graphics2D g) {
        g.setColor(RED);
        g.fill(new RoundRectangle2D.Double(3, 3, 10, 10, 2, 2));
    }

    private static void pause(Graphics2D g) {
        g.setColor(BLUE);
        g.fill(new RoundRectangle2D.Double(3.5, 2.5, 3.2, 11, 1, 1));
        g.fill(new RoundRectangle2D.Double(9.3, 2.5, 3.2, 11, 1, 1));
    }

    private static void cancel(Graphics2D g) {
        g.setColor(RED);
        g.fill(new Ellipse2D.Double(1, 1, 14, 14));
        stroke(g, Color.WHITE, 2);
        g.drawLine(5, 5, 11, 11);
        g.drawLine(11, 5, 5, 11);
    }

    private static void remove(Graphics2D g) {
        g.setColor(GREY);
        g.fill(new Ellipse2D.Double(1, 1, 14, 14));
        stroke(g, Color.WHITE, 2.2);
        g.drawLine(4, 8, 12, 8);
    }

    private static void page(Graphics2D g) {
        Path2D p = new Path2D.Double();
        p.moveTo(2.5, 0.5);
        p.lineTo(10, 0.5);
        p.lineTo(13.5, 4);
        p.lineTo(13.5, 15.5);
        p.lineTo(2.5, 15.5);
        p.closePath();
        g.setColor(PAPER);
        g.fill(p);
        stroke(g, GREY, 1);
        g.draw(p);
        Path2D fold = new Path2D.Double();
        fold.moveTo(10, 0.5);
        fold.lineTo(10, 4);
        fold.lineTo(13.5, 4);
        g.draw(fold);
    }

    private static void textPage(Graphics2D g) {
        page(g);
        stroke(g, BLUE, 1);
        for (double y = 6; y <= 13.5; y += 2.5) {
            g.draw(new java.awt.geom.Line2D.Double(4.5, y, y > 13 ? 9 : 11.5, y));
        }
    }

    private static void imagePage(Graphics2D g) {
        page(g);
        g.setColor(YELLOW);
        g.fill(new Ellipse2D.Double(4, 5, 3, 3));
        g.setColor(GREEN);
        g.fill(new Polygon(new int[] {3, 7, 9, 11, 13, 13, 3}, new int[] {14, 9, 11, 8, 12, 15, 15}, 7));
    }

    private static void archivePage(Graphics2D g) {
        page(g);
        g.setColor(new Color(0x8250df));
        for (int y = 2; y <= 10; y += 2) {
            g.fillRect(y % 4 == 0 ? 7 : 8, y, 1, 1);
            g.fillRect(y % 4 == 0 ? 8 : 7, y + 1, 1, 1);
        }
        g.fill(new RoundRectangle2D.Double(6, 11, 4, 3, 1, 1));
    }
}
