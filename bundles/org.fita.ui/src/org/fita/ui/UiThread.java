package org.fita.ui;

import org.eclipse.swt.SWTException;
import org.eclipse.swt.widgets.Control;

/** Brings results of background jobs back to a control's UI thread. */
public final class UiThread {
    private UiThread() {
    }

    /** Runs {@code work} on the UI thread later, unless {@code control} is disposed by then. */
    public static void async(Control control, Runnable work) {
        if (control.isDisposed()) {
            return;
        }
        try {
            control.getDisplay().asyncExec(() -> {
                if (!control.isDisposed()) {
                    work.run();
                }
            });
        } catch (SWTException e) {
            // The display is gone: the workbench is closing.
        }
    }
}
