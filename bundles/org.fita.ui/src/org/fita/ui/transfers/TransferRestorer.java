package org.fita.ui.transfers;

import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepSession;
import org.fita.transfer.tasks.TransferService;
import org.fita.transfer.tasks.TransferTask;
import org.fita.transfer.trust.ConnectionSecurity;
import org.fita.ui.preferences.FitaPreferences;
import org.fita.ui.preferences.PasswordStore;
import org.fita.ui.preferences.RecentConnection;

/**
 * Continues the transfers a previous run of the workbench left unfinished: at startup, logging in
 * with the password kept in secure storage (or the classic one when none was kept), and again
 * whenever the Client Explorer connects to the server and user of one still waiting. The journal
 * and the server's held blocks make each continue where it stopped.
 */
public final class TransferRestorer {
    private TransferRestorer() {
    }

    /**
     * Lets restored tasks log in again by themselves, then starts those left unfinished; those
     * their user had paused stay paused until Resume.
     */
    public static void start(TransferService service) {
        service.setReconnector((server, username) -> service.connect(server, username, storedPassword(server, username),
                security(server, username)));
        for (TransferTask task : service.tasks()) {
            if (task.wasInterrupted() && !task.wasPausedWhenStopped()) {
                // The history keeps no options: this run's preferences (bandwidth limit...) apply.
                task.useOptions(FitaPreferences.transferOptions());
                task.requeue();
                TransferJob.schedule(task);
            }
        }
    }

    /**
     * Starts the unfinished transfers of a previous run that belong to {@code session}'s server and
     * user, and gives that session to their paused, failed and cancelled ones, for Resume and Retry.
     */
    public static int resumeWith(TransferService service, StepSession session) {
        int resumed = 0;
        for (TransferTask task : service.tasks()) {
            boolean sameLogin = task.server().equals(session.address()) && task.username().equals(session.username());
            if (sameLogin && (task.wasPausedWhenStopped() || task.status().state().isFinal())) {
                // Resume or Retry then runs on this live session instead of an older one or a login of its own.
                task.attach(session, FitaPreferences.transferOptions());
            }
            if (task.wasInterrupted() && task.canRetry() && sameLogin) {
                task.attach(session, FitaPreferences.transferOptions());
                task.requeue();
                TransferJob.schedule(task);
                resumed++;
            }
        }
        return resumed;
    }

    /**
     * TLS when the connection was remembered with it (known_servers makes it TLS anyway for servers
     * trusted always); no question at startup: a server trusted once only waits for Connect.
     */
    private static ConnectionSecurity security(ServerAddress server, String username) {
        String account = new RecentConnection(username, server).account();
        boolean tls = FitaPreferences.recentConnections().stream().anyMatch(c -> c.tls() && c.account().equals(account));
        return ConnectionSecurity.defaults().withTls(tls).withRequireTlsExceptLoopback(
                FitaPreferences.store().getBoolean(FitaPreferences.REQUIRE_TLS_EXCEPT_LOCAL));
    }

    private static String storedPassword(ServerAddress server, String username) {
        return PasswordStore.load(new RecentConnection(username, server))
                .orElseGet(() -> StepSession.classicPassword(username));
    }
}
