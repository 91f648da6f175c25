package org.fita.ui.security;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.fita.transfer.trust.ServerTrustPrompt.Answer;

/** The TLS dialogs' widgets, for the tests in other packages. */
public final class SecurityProbe {
    private static final long DEADLINE_MILLIS = 60_000;

    /** What a trust or refusal dialog showed before it was answered. */
    public record Shown(String title, List<String> fields) {
    }

    private SecurityProbe() {
    }

    /** Answers the next trust dialog with {@code choice}; the returned reference then holds what it showed. */
    public static AtomicReference<Shown> answerTrust(Display display, Answer choice) {
        return answer(display, TrustDialog.TITLE, shell -> {
            TrustDialog dialog = (TrustDialog) shell.getData();
            Shown shown = new Shown(TrustDialog.TITLE, List.of(dialog.fingerprintField.text.getText(),
                    dialog.hexField.text.getText()));
            dialog.buttonPressed(switch (choice) {
                case TRUST_ONCE -> TrustDialog.ONCE_ID;
                case TRUST_ALWAYS -> TrustDialog.ALWAYS_ID;
                case REFUSE -> IDialogConstants.CANCEL_ID;
            });
            return shown;
        });
    }

    /** Closes the next changed-certificate dialog; the returned reference then holds both fingerprints and the line. */
    public static AtomicReference<Shown> closeCertificateChanged(Display display) {
        return answer(display, CertificateChangedDialog.TITLE, shell -> {
            CertificateChangedDialog dialog = (CertificateChangedDialog) shell.getData();
            Shown shown = new Shown(CertificateChangedDialog.TITLE, List.of(dialog.rememberedField.text.getText(),
                    dialog.offeredField.text.getText(), dialog.lineField.text.getText()));
            dialog.buttonPressed(IDialogConstants.CLOSE_ID);
            return shown;
        });
    }

    /**
     * Notes when a dialog titled {@code title} opens: a test waiting on the UI thread runs inside the
     * dialog's modal loop by then, so only a timer sees it open.
     */
    public static java.util.concurrent.atomic.AtomicBoolean seenOpen(Display display, String title) {
        return seenOpen(display, title, () -> { });
    }

    /** As {@link #seenOpen(Display, String)}, running {@code then} once the dialog is seen open. */
    public static java.util.concurrent.atomic.AtomicBoolean seenOpen(Display display, String title, Runnable then) {
        java.util.concurrent.atomic.AtomicBoolean seen = new java.util.concurrent.atomic.AtomicBoolean();
        answer(display, title, shell -> {
            seen.set(true);
            then.run();
            return null;
        });
        return seen;
    }

    /** Whether a dialog titled {@code title} is open. */
    public static boolean isOpen(Display display, String title) {
        for (Shell shell : display.getShells()) {
            if (title.equals(shell.getText()) && shell.isVisible()) {
                return true;
            }
        }
        return false;
    }

    private static AtomicReference<Shown> answer(Display display, String title,
            java.util.function.Function<Shell, Shown> answer) {
        AtomicReference<Shown> shown = new AtomicReference<>();
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        Runnable[] poll = new Runnable[1];
        poll[0] = () -> {
            for (Shell shell : display.getShells()) {
                if (title.equals(shell.getText()) && shell.isVisible() && shell.getData() != null) {
                    shown.set(answer.apply(shell));
                    return;
                }
            }
            if (System.currentTimeMillis() < deadline) {
                display.timerExec(50, poll[0]);
            }
        };
        display.timerExec(50, poll[0]);
        return shown;
    }
}
