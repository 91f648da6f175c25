package org.fita.ui.preferences;

import org.eclipse.jface.preference.BooleanFieldEditor;
import org.eclipse.jface.preference.ComboFieldEditor;
import org.eclipse.jface.preference.DirectoryFieldEditor;
import org.eclipse.jface.preference.FieldEditorPreferencePage;
import org.eclipse.jface.preference.IntegerFieldEditor;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchPreferencePage;
import org.fita.server.auth.AuthMode;

/** FiTA > Local Server: what the Local Server view starts with. */
public final class LocalServerPreferencePage extends FieldEditorPreferencePage implements IWorkbenchPreferencePage {

    public LocalServerPreferencePage() {
        super(GRID);
        setPreferenceStore(FitaPreferences.store());
        setDescription("The settings the Local Server view starts with. The server listens on 127.0.0.1 only.");
    }

    @Override
    public void init(IWorkbench workbench) {
        // Everything comes from the preference store.
    }

    @Override
    protected void createFieldEditors() {
        IntegerFieldEditor port = new IntegerFieldEditor(FitaPreferences.SERVER_PORT, "&Port (0 = any free port):",
                getFieldEditorParent());
        port.setValidRange(0, 65535);
        addField(port);
        addField(new DirectoryFieldEditor(FitaPreferences.SERVER_ROOT, "Storage &root:", getFieldEditorParent()));
        addField(new ComboFieldEditor(FitaPreferences.SERVER_AUTH, "&Authentication:", new String[][] {
                {AuthModes.label(AuthMode.CLASSIC), AuthMode.CLASSIC.name()},
                {AuthModes.label(AuthMode.ACCOUNTS), AuthMode.ACCOUNTS.name()}}, getFieldEditorParent()));
        addField(new BooleanFieldEditor(FitaPreferences.SERVER_TLS,
                "Serve &TLS on the same port (a self-signed certificate kept under the storage root)",
                getFieldEditorParent()));
        addField(new BooleanFieldEditor(FitaPreferences.SERVER_REQUIRE_TLS,
                "Re&quire TLS: refuse plain STEP connections (classic clients cannot connect)", getFieldEditorParent()));
    }
}
