package org.fita.ui.preferences;

import org.eclipse.jface.preference.BooleanFieldEditor;
import org.eclipse.jface.preference.FieldEditorPreferencePage;
import org.eclipse.jface.preference.IntegerFieldEditor;
import org.eclipse.jface.preference.RadioGroupFieldEditor;
import org.eclipse.jface.preference.StringFieldEditor;
import org.eclipse.jface.util.PropertyChangeEvent;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchPreferencePage;
import org.fita.protocol.Blocks;

/** FiTA: the default server and how transfers run. */
public final class TransferPreferencePage extends FieldEditorPreferencePage implements IWorkbenchPreferencePage {
    private RadioGroupFieldEditor parallelism;
    private IntegerFieldEditor connections;
    private IntegerFieldEditor window;

    public TransferPreferencePage() {
        super(GRID);
        setPreferenceStore(FitaPreferences.store());
        setDescription("The server the Client Explorer offers first, and how transfers use the network. "
                + "Changes apply to transfers started afterwards.");
    }

    @Override
    public void init(IWorkbench workbench) {
        // Everything comes from the preference store.
    }

    @Override
    protected void createFieldEditors() {
        addField(new StringFieldEditor(FitaPreferences.DEFAULT_SERVER, "Default &server (host:port):",
                getFieldEditorParent()));
        addField(new StringFieldEditor(FitaPreferences.DEFAULT_USER, "Default &user:", getFieldEditorParent()));
        IntegerFieldEditor block = new IntegerFieldEditor(FitaPreferences.BLOCK_SIZE_KIB,
                "&Block size asked of FiTA servers (KiB):", getFieldEditorParent());
        block.setValidRange(Blocks.CLASSIC_BLOCK_SIZE / 1024, Blocks.MAX_BLOCK_SIZE / 1024);
        addField(block);
        parallelism = new RadioGroupFieldEditor(FitaPreferences.PARALLELISM, "&Parallelism", 1,
                new String[][] {{"Adaptive: grow connections and requests in flight while throughput improves",
                        FitaPreferences.ADAPTIVE}, {"Fixed: use the numbers below", FitaPreferences.FIXED}},
                getFieldEditorParent(), true);
        addField(parallelism);
        connections = new IntegerFieldEditor(FitaPreferences.CONNECTIONS, "&Connections per transfer:",
                getFieldEditorParent());
        connections.setValidRange(1, 64);
        addField(connections);
        window = new IntegerFieldEditor(FitaPreferences.WINDOW, "Requests in &flight per connection:",
                getFieldEditorParent());
        window.setValidRange(1, 256);
        addField(window);
        IntegerFieldEditor atOnce = new IntegerFieldEditor(FitaPreferences.TRANSFERS_AT_ONCE,
                "&Transfers at once (the others wait as queued):", getFieldEditorParent());
        atOnce.setValidRange(1, FitaPreferences.MAX_TRANSFERS_AT_ONCE);
        addField(atOnce);
        IntegerFieldEditor bandwidth = new IntegerFieldEditor(FitaPreferences.BANDWIDTH_KIB,
                "Bandwidth &limit per connection (KiB/s, 0 = none):", getFieldEditorParent());
        bandwidth.setValidRange(0, Integer.MAX_VALUE / 1024);
        addField(bandwidth);
        IntegerFieldEditor attempts = new IntegerFieldEditor(FitaPreferences.RECONNECT_ATTEMPTS,
                "&Reconnect attempts when a transfer's connection breaks (0 = none):", getFieldEditorParent());
        attempts.setValidRange(0, 1000);
        addField(attempts);
        IntegerFieldEditor within = new IntegerFieldEditor(FitaPreferences.RECONNECT_WITHIN_SECONDS,
                "...for at most (&seconds):", getFieldEditorParent());
        within.setValidRange(1, 86_400);
        addField(within);
        addField(new BooleanFieldEditor(FitaPreferences.REQUIRE_TLS_EXCEPT_LOCAL,
                "Require &TLS for servers other than this computer (plain STEP only to 127.0.0.1, ::1, localhost)",
                getFieldEditorParent()));
        addField(new BooleanFieldEditor(FitaPreferences.CONFIRM_EXIT, "&Ask before exiting while transfers run",
                getFieldEditorParent()));
        getFieldEditorParent().getDisplay().asyncExec(() -> enableFixed(
                FitaPreferences.FIXED.equals(getPreferenceStore().getString(FitaPreferences.PARALLELISM))));
    }

    @Override
    public void propertyChange(PropertyChangeEvent event) {
        super.propertyChange(event);
        if (event.getSource() == parallelism) {
            enableFixed(FitaPreferences.FIXED.equals(event.getNewValue()));
        }
    }

    private void enableFixed(boolean fixed) {
        if (getFieldEditorParent().isDisposed()) {
            return;
        }
        connections.setEnabled(fixed, getFieldEditorParent());
        window.setEnabled(fixed, getFieldEditorParent());
    }
}
