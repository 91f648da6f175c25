package org.fita.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.swt.SWTException;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;

/**
 * Carries items offered on any thread to the UI thread in batches, at most one batch per delay:
 * engines report hundreds of events a second, and one asyncExec per event would flood the display.
 * Items offered after the owner control is disposed are dropped.
 */
public final class UiBatcher<T> {
    private final Control owner;
    private final Display display;
    private final int delayMillis;
    private final Consumer<List<T>> consumer;
    private final ConcurrentLinkedQueue<T> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /** Create on the UI thread; {@code consumer} runs there. */
    public UiBatcher(Control owner, int delayMillis, Consumer<List<T>> consumer) {
        this.owner = owner;
        this.display = owner.getDisplay();
        this.delayMillis = delayMillis;
        this.consumer = consumer;
    }

    public void offer(T item) {
        pending.add(item);
        if (scheduled.compareAndSet(false, true)) {
            try {
                display.asyncExec(() -> {
                    if (!owner.isDisposed()) {
                        display.timerExec(delayMillis, this::drain);
                    }
                });
            } catch (SWTException e) {
                // The display is gone: the workbench is closing.
            }
        }
    }

    private void drain() {
        scheduled.set(false);
        if (owner.isDisposed()) {
            return;
        }
        List<T> items = new ArrayList<>();
        for (T item; (item = pending.poll()) != null;) {
            items.add(item);
        }
        if (!items.isEmpty()) {
            consumer.accept(items);
        }
    }
}
