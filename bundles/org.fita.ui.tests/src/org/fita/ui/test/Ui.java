package org.fita.ui.test;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.DND;
import org.eclipse.swt.dnd.DragSource;
import org.eclipse.swt.dnd.DragSourceEvent;
import org.eclipse.swt.dnd.DropTarget;
import org.eclipse.swt.dnd.DropTargetEvent;
import org.eclipse.swt.dnd.FileTransfer;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Widget;

/** Drives SWT directly (SWTBot is not on Maven Central): waits that keep the event loop turning, clicks, drops. */
public final class Ui {
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Ui() {
    }

    /** Runs the event loop until {@code condition} holds; fails after {@link #TIMEOUT} with {@code state}. */
    public static void waitUntil(String what, BooleanSupplier condition, Supplier<?> state) {
        Display display = Display.getCurrent();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("Timed out waiting until " + what + "; now: " + state.get());
            }
            if (!display.readAndDispatch()) {
                try {
                    Thread.sleep(10); // jobs report through asyncExec, which wakes nothing while we sleep
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    fail("Interrupted while waiting until " + what);
                }
            }
        }
    }

    /** Lets pending UI work (layouts, asyncExecs) run. */
    public static void settle() {
        Display display = Display.getCurrent();
        long end = System.currentTimeMillis() + 200;
        while (System.currentTimeMillis() < end) {
            if (!display.readAndDispatch()) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** A click as the button's listeners see it. */
    public static void click(Button button) {
        if (!button.isEnabled()) {
            fail("The button \"" + button.getText() + "\" is disabled");
        }
        if ((button.getStyle() & SWT.CHECK) != 0) {
            button.setSelection(!button.getSelection());
        }
        button.notifyListeners(SWT.Selection, new Event());
    }

    /**
     * A FileTransfer drop event for {@code control}'s DropTarget, as SWT would deliver it. SWT's
     * DNDEvent is package-private, so it is made by reflection.
     */
    public static DropTargetEvent fileDrop(Control control, String... paths) {
        DropTarget target = (DropTarget) control.getData(DND.DROP_TARGET_KEY);
        DropTargetEvent event = (DropTargetEvent) dndEvent(DropTargetEvent.class, target, control.getDisplay());
        event.dataTypes = FileTransfer.getInstance().getSupportedTypes();
        event.currentDataType = event.dataTypes[0];
        event.operations = DND.DROP_COPY | DND.DROP_MOVE;
        event.detail = DND.DROP_DEFAULT;
        event.data = paths;
        return event;
    }

    /** A drag event for {@code control}'s DragSource asking for files, as SWT would deliver it. */
    public static DragSourceEvent fileDrag(Control control) {
        DragSource source = (DragSource) control.getData(DND.DRAG_SOURCE_KEY);
        DragSourceEvent event = (DragSourceEvent) dndEvent(DragSourceEvent.class, source, control.getDisplay());
        event.dataType = FileTransfer.getInstance().getSupportedTypes()[0];
        event.doit = true;
        event.detail = DND.DROP_COPY;
        return event;
    }

    private static Object dndEvent(Class<?> typed, Widget widget, Display display) {
        try {
            Class<?> dndEventClass = Class.forName("org.eclipse.swt.dnd.DNDEvent", true, typed.getClassLoader());
            Constructor<?> make = dndEventClass.getDeclaredConstructor();
            make.setAccessible(true);
            Event raw = (Event) make.newInstance();
            raw.widget = widget;
            raw.display = display;
            raw.doit = true;
            return typed.getConstructor(dndEventClass).newInstance(raw);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("Cannot build a drag and drop event: " + e, e);
        }
    }

    /** Presses {@code buttonText} in the next dialog titled {@code title}, from inside its modal loop. */
    public static void answerNextDialog(String title, String buttonText) {
        answerNextDialog(title, buttonText, new ArrayList<>());
    }

    /** As {@link #answerNextDialog(String, String)}, first adding the texts of the dialog's labels to {@code seen}. */
    public static void answerNextDialog(String title, String buttonText, List<String> seen) {
        Display display = Display.getCurrent();
        long deadline = System.currentTimeMillis() + TIMEOUT.toMillis();
        Runnable[] poll = new Runnable[1];
        poll[0] = () -> {
            for (Shell shell : display.getShells()) {
                if (title.equals(shell.getText()) && shell.isVisible()) {
                    Button button = find(shell, buttonText);
                    if (button != null) {
                        collectLabels(shell, seen);
                        button.notifyListeners(SWT.Selection, new Event());
                        return;
                    }
                }
            }
            if (System.currentTimeMillis() < deadline) {
                display.timerExec(50, poll[0]);
            }
        };
        display.timerExec(50, poll[0]);
    }

    private static void collectLabels(Composite parent, List<String> texts) {
        for (Control c : parent.getChildren()) {
            if (c instanceof Label label) {
                texts.add(label.getText());
            } else if (c instanceof Composite child) {
                collectLabels(child, texts);
            }
        }
    }

    private static Button find(Composite parent, String text) {
        for (Control c : parent.getChildren()) {
            if (c instanceof Button b && text.equals(b.getText().replace("&", ""))) {
                return b;
            }
            if (c instanceof Composite child) {
                Button found = find(child, text);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
