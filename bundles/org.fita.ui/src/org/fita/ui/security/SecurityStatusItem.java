package org.fita.ui.security;

import org.eclipse.jface.action.ContributionItem;
import org.eclipse.jface.action.IContributionManager;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.CLabel;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.widgets.Composite;

/**
 * The lock in the workbench's status line while the explorer's session runs over TLS: "TLS 1.3"
 * with the protocol, cipher suite and certificate fingerprint in its tooltip. Hidden otherwise.
 */
public final class SecurityStatusItem extends ContributionItem {
    public static final String ID = "org.fita.ui.security";
    private final Image lock;
    private TlsFacts facts;
    private CLabel label;

    public SecurityStatusItem(Image lock) {
        super(ID);
        this.lock = lock;
        setVisible(false);
    }

    @Override
    public void fill(Composite parent) {
        label = new CLabel(parent, SWT.SHADOW_NONE);
        label.setImage(lock);
        show();
    }

    /** Shows {@code tls} (null: hides the item). */
    public void set(TlsFacts tls) {
        facts = tls;
        setVisible(tls != null);
        show();
        IContributionManager manager = getParent();
        if (manager != null) {
            manager.markDirty();
            manager.update(true);
        }
    }

    public TlsFacts facts() {
        return facts;
    }

    private void show() {
        if (label == null || label.isDisposed()) {
            return;
        }
        label.setText(facts == null ? "" : shortName(facts.protocol()));
        label.setToolTipText(facts == null ? null : facts.describe());
    }

    /** "TLSv1.3" as people write it: "TLS 1.3". */
    static String shortName(String protocol) {
        return protocol.startsWith("TLSv") ? "TLS " + protocol.substring(4) : protocol;
    }

    @Override
    public void dispose() {
        if (label != null) {
            label.dispose();
        }
        super.dispose();
    }
}
