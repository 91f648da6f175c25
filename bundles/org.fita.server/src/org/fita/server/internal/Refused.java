package org.fita.server.internal;

import org.fita.protocol.Status;

/**
 * A request refused with a status and a message for the client. The dispatcher turns it into the
 * reply, named with the handler's operation and type.
 */
final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Status status;
    private final String user;

    Refused(Status status, String message) {
        this(status, message, null);
    }

    /** {@code user}: whom the reply names when the request carries no token (a LOGIN), else null. */
    Refused(Status status, String message, String user) {
        // A refusal is an answer, not a fault: no stack trace to fill.
        super(message, null, false, false);
        this.status = status;
        this.user = user;
    }

    Status status() {
        return status;
    }

    String user() {
        return user;
    }
}
