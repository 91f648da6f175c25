package org.fita.ui.security;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.eclipse.swt.SWTException;
import org.eclipse.swt.widgets.Display;

/**
 * Asks a person something from a background thread (a connect job): the question opens on the UI
 * thread, the caller waits for the answer with a deadline and a cancel check. The UI thread itself
 * never waits: on it, the question simply opens.
 */
public final class UiQuestion {
    private static final long POLL_MILLIS = 100;

    /** A dialog as seen from here: {@link #open} returns the answer once it closes; {@link #close} closes it unanswered. */
    public interface Question<T> {
        T open();

        void close();
    }

    private UiQuestion() {
    }

    /**
     * The answer to {@code question}, or {@code fallback} when it was not answered within
     * {@code timeout}, when {@code cancelled} became true, or when the display is gone. A question
     * left open then is closed.
     */
    public static <T> T ask(Display display, Question<T> question, Duration timeout, BooleanSupplier cancelled,
            T fallback) {
        if (display.isDisposed()) {
            return fallback;
        }
        if (display.getThread() == Thread.currentThread()) {
            return answerOr(question.open(), fallback);
        }
        CompletableFuture<T> answer = new CompletableFuture<>();
        try {
            display.asyncExec(() -> {
                if (answer.isDone()) {
                    return; // given up on before it could open
                }
                try {
                    answer.complete(answerOr(question.open(), fallback));
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            });
        } catch (SWTException e) {
            return fallback; // the workbench is closing
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                try {
                    return answer.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (cancelled.getAsBoolean() || System.nanoTime() - deadline > 0 || display.isDisposed()) {
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // The dialog failed to open: treated as no answer.
        }
        if (!answer.complete(fallback)) {
            return answer.join(); // answered at the last moment
        }
        try {
            display.asyncExec(question::close);
        } catch (SWTException e) {
            // The display is gone, and the dialog with it.
        }
        return fallback;
    }

    private static <T> T answerOr(T answer, T fallback) {
        return answer == null ? fallback : answer;
    }
}
