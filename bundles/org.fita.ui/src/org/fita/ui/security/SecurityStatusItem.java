package org.fita.ui.security;

import org.eclipse.jface.action.ContributionItem;
import org.eclipse.jface.action.IContributionManager;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.CLabel;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.widgets.Composite;
import org.fita.transfer.trust.TlsInfo;

/**
 * The lock in the workbench's status line while the explorer's session runs over TLS: "TLS 1.3"
 * with the protocol, cipher suite and certificate fingerprint in its tooltip. Hidden otherwise.
 */
public final class SecurityStatusItem extends ContributionItem {
    public static final String ID = "org.fita.ui.security";
    private final Image lock;
    private TlsInfo facts;
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
    public void set(TlsInfo tls) {
        facts = tls;
        setVisible(tls != null);
        show();
        IContributionManager manager = getParent();
        if (manager != null) {
            manager.markDirty();
            manager.update(true);
        }
    }

    public TlsInfo facts() {
        return facts;
    }

    private void show() {
        if (label == null || label.isDisposed()) {
            return;
        }
        label.setText(facts == null ? "" : TlsText.version(facts.protocol()));
        label.setToolTipText(facts == null ? null : TlsText.describe(facts));
    }

    @Override
    public void dispose() {
        if (label != null) {
            label.dispose();
        }
        super.dispose();
    }
}
