package org.fita.ui.explorer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.dialogs.MessageDialogWithToggle;
import org.eclipse.swt.widgets.Shell;

/** Asks, conflict by conflict, what to do with destinations that exist, with "apply to all". */
final class ConflictDialog {
    static final String TITLE = "Destination exists";
    private static final String EXPLANATION = "\n\nOverwrite replaces it. Skip leaves it and moves nothing. "
            + "Rename picks a free name such as \"name (1).ext\". Resume keeps it if it is the same file "
            + "(size and MD5 compared) and continues an interrupted transfer.";

    private ConflictDialog() {
    }

    /**
     * One answer per conflict, in order, or null if the person cancelled the whole batch.
     *
     * @param conflicts what exists, one sentence each
     */
    static List<ConflictChoice> resolve(Shell shell, List<String> conflicts) {
        List<ConflictChoice> answers = new ArrayList<>();
        ConflictChoice forAll = null;
        for (int i = 0; i < conflicts.size(); i++) {
            if (forAll != null) {
                answers.add(forAll);
                continue;
            }
            LinkedHashMap<String, Integer> buttons = new LinkedHashMap<>();
            for (ConflictChoice c : ConflictChoice.values()) {
                buttons.put(c.label, IDialogConstants.CLIENT_ID + c.ordinal());
            }
            buttons.put(IDialogConstants.CANCEL_LABEL, IDialogConstants.CANCEL_ID);
            int remaining = conflicts.size() - i;
            MessageDialogWithToggle dialog = new MessageDialogWithToggle(shell, TITLE, null,
                    conflicts.get(i) + EXPLANATION, MessageDialog.QUESTION, buttons, ConflictChoice.SKIP.ordinal(),
                    "Apply to all remaining conflicts (" + remaining + ")", false);
            int code = dialog.open();
            int choice = code - IDialogConstants.CLIENT_ID;
            if (choice < 0 || choice >= ConflictChoice.values().length) {
                return null;
            }
            ConflictChoice answer = ConflictChoice.values()[choice];
            answers.add(answer);
            if (dialog.getToggleState() && remaining > 1) {
                forAll = answer;
            }
        }
        return answers;
    }
}
