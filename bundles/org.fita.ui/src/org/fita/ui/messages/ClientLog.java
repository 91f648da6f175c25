package org.fita.ui.messages;

import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.fita.protocol.Fields;
import org.fita.protocol.StepMessage;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepSession;
import org.fita.transfer.tasks.TransferService;
import org.fita.transfer.tasks.TransferTask.State;
import org.fita.transfer.tasks.TransferTask;

/**
 * The client's message log, as FileZilla keeps one: what the workbench asked of which server and
 * what it answered, every failure with its whole reason. The last {@value #KEPT} messages are
 * kept in memory; the Messages view shows them. Thread-safe.
 */
public final class ClientLog {
    static final int KEPT = 5000;

    /** What a message is about. */
    public enum Kind { STATUS, COMMAND, RESPONSE, ERROR }

    public record Message(Instant at, Kind kind, String server, String text) {
    }

    private static final ArrayDeque<Message> MESSAGES = new ArrayDeque<>();
    private static final List<Consumer<Message>> LISTENERS = new CopyOnWriteArrayList<>();

    private ClientLog() {
    }

    public static void status(Object server, String text) {
        add(Kind.STATUS, server, text);
    }

    public static void command(Object server, String text) {
        add(Kind.COMMAND, server, text);
    }

    public static void response(Object server, String text) {
        add(Kind.RESPONSE, server, text);
    }

    public static void error(Object server, String text) {
        add(Kind.ERROR, server, text);
    }

    private static void add(Kind kind, Object server, String text) {
        Message m = new Message(Instant.now(), kind, server == null ? "" : server.toString(), text);
        synchronized (MESSAGES) {
            if (MESSAGES.size() == KEPT) {
                MESSAGES.removeFirst();
            }
            MESSAGES.addLast(m);
        }
        LISTENERS.forEach(l -> l.accept(m));
    }

    /** The messages kept, oldest first. */
    public static List<Message> messages() {
        synchronized (MESSAGES) {
            return List.copyOf(MESSAGES);
        }
    }

    public static void addListener(Consumer<Message> listener) {
        LISTENERS.add(listener);
    }

    public static void removeListener(Consumer<Message> listener) {
        LISTENERS.remove(listener);
    }

    /**
     * Logs each control request of {@code session} and the server's whole reply: the request with
     * its token and password hidden, the reply as the server wrote it.
     */
    public static void follow(StepSession session) {
        session.trace(new StepSession.Trace() {
            @Override
            public void exchanged(ServerAddress server, JsonObject request, StepMessage reply) {
                JsonObject shown = request.deepCopy();
                for (String secret : new String[] {Fields.TOKEN, Fields.PASSWORD}) {
                    if (shown.has(secret)) {
                        shown.addProperty(secret, "(hidden)");
                    }
                }
                command(server, shown.toString());
                (reply.isOk() ? (Consumer<String>) t -> response(server, t) : (Consumer<String>) t -> error(server, t))
                        .accept(reply.json().toString());
            }

            @Override
            public void loggedInAgain(ServerAddress server, int logins) {
                status(server, "Logged in again (login " + logins + " of this session): the server had closed the "
                        + "connection, restarted or refused the token.");
            }
        });
    }

    /** Logs how each transfer of {@code service} starts and ends, failures with their whole reason. */
    public static void follow(TransferService service) {
        service.addListener(new TransferService.Listener() {
            @Override
            public void taskChanged(TransferTask task) {
                State state = task.status().state();
                String what = (task.direction() == org.fita.transfer.TransferInfo.Direction.UPLOAD ? "Upload of \""
                        : "Download of \"") + task.key() + "\"";
                switch (state) {
                    case VERIFIED -> response(task.server(), what + " verified"
                            + (task.result() != null ? ", MD5 " + task.result().md5() : "") + ".");
                    case FAILED -> error(task.server(), what + " failed: " + task.status().message());
                    case CANCELLED -> status(task.server(), what + " cancelled.");
                    default -> {
                        // Progress is the Transfers view's business.
                    }
                }
            }
        });
    }
}
