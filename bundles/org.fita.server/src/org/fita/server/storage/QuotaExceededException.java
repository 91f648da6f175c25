package org.fita.server.storage;

/**
 * A plan would take a user over their quota: stored files plus what unfinished uploads promise,
 * plus the new plan's size. Nothing was changed.
 */
public final class QuotaExceededException extends StorageException {
    private static final long serialVersionUID = 1L;

    private final long used;
    private final long allowed;
    private final long asked;

    public QuotaExceededException(String user, long used, long allowed, long asked) {
        super("The request needs " + asked + " bytes, but \"" + user + "\" already uses " + used + " of the "
                + allowed + " bytes allowed (finished files, DATA records and unfinished uploads). Delete files or"
                + " unfinished uploads, or ask the server's administrator for a larger quota.");
        this.used = used;
        this.allowed = allowed;
        this.asked = asked;
    }

    /** Too many unfinished uploads, whatever their sizes. */
    public QuotaExceededException(String message) {
        super(message);
        this.used = -1;
        this.allowed = -1;
        this.asked = -1;
    }

    public long used() {
        return used;
    }

    public long allowed() {
        return allowed;
    }

    public long asked() {
        return asked;
    }
}
