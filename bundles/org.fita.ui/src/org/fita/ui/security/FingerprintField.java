package org.fita.ui.security;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Text;

/** A read-only, selectable line of text in a fixed-width font with a Copy button beside it. */
public final class FingerprintField {
    public final Text text;
    public final Button copy;

    public FingerprintField(Composite parent, String value, String toolTip) {
        this(parent, value, toolTip, 0);
    }

    /** With {@code wrapWidth} > 0 the text wraps at that width instead of scrolling (for the long hex form). */
    public FingerprintField(Composite parent, String value, String toolTip, int wrapWidth) {
        Composite row = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).applyTo(row);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(row);
        text = new Text(row, SWT.BORDER | SWT.READ_ONLY | (wrapWidth > 0 ? SWT.MULTI | SWT.WRAP : SWT.SINGLE));
        text.setFont(JFaceResources.getTextFont());
        text.setText(value);
        text.setToolTipText(toolTip);
        GridDataFactory.fillDefaults().grab(true, false).hint(wrapWidth > 0 ? wrapWidth : 120, SWT.DEFAULT)
                .align(SWT.FILL, SWT.CENTER).applyTo(text);
        // Selecting it all on focus: the usual next step is Ctrl+C.
        text.addListener(SWT.FocusIn, e -> text.selectAll());
        copy = new Button(row, SWT.PUSH);
        copy.setText("Copy");
        copy.setToolTipText("Copy to the clipboard");
        copy.addListener(SWT.Selection, e -> copy(text, text.getText()));
    }

    public void setValue(String value) {
        text.setText(value);
        copy.setEnabled(!value.isEmpty());
    }

    /** Puts {@code value} on the clipboard of {@code near}'s display. */
    public static void copy(org.eclipse.swt.widgets.Control near, String value) {
        if (value.isEmpty()) {
            return;
        }
        Clipboard clipboard = new Clipboard(near.getDisplay());
        try {
            clipboard.setContents(new Object[] {value}, new Transfer[] {TextTransfer.getInstance()});
        } finally {
            clipboard.dispose();
        }
    }
}
