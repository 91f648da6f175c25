package org.fita.ui.transfers;

import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.widgets.Shell;
import org.fita.transfer.tasks.TransferService;
import org.fita.transfer.tasks.TransferTask;
import org.fita.ui.preferences.FitaPreferences;

/** Asks before the workbench exits while transfers run or wait (FileZilla asks the same). */
public final class ExitConfirmation {
    public static final String TITLE = "Transfers are running";
    public static final String EXIT = "Exit";

    private ExitConfirmation() {
    }

    /** True to go on exiting: nothing runs, the preference says not to ask, or the person chose Exit. */
    public static boolean confirm(Shell shell, TransferService service) {
        if (!FitaPreferences.store().getBoolean(FitaPreferences.CONFIRM_EXIT)) {
            return true;
        }
        long active = service.tasks().stream().filter(t -> !t.status().state().isFinal()
                && t.status().state() != TransferTask.State.PAUSED).count();
        if (active == 0) {
            return true;
        }
        String count = active == 1 ? "1 transfer is" : active + " transfers are";
        MessageDialog dialog = new MessageDialog(shell, TITLE, null, count + " still running or queued. If you exit "
                + "now, they stop and continue from where they stopped the next time FiTA starts: uploads from the "
                + "blocks the server holds, downloads from their .part files.", MessageDialog.WARNING, 1, EXIT,
                "Cancel");
        return dialog.open() == 0;
    }
}
