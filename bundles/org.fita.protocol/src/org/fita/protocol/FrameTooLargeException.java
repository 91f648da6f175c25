package org.fita.protocol;

/**
 * A frame header announced a JSON or binary part larger than the configured limit. Raised right
 * after the 8-byte header, before anything of that size is allocated or read.
 */
public final class FrameTooLargeException extends StepProtocolException {
    private static final long serialVersionUID = 1L;

    /** Which part of the frame was too large. */
    public enum Part { JSON, BINARY }

    private final Part part;
    private final long declared;
    private final long limit;

    public FrameTooLargeException(Part part, long declared, long limit) {
        super("The frame's " + (part == Part.JSON ? "JSON" : "binary") + " part is " + declared
                + " bytes, over the limit of " + limit + " bytes.");
        this.part = part;
        this.declared = declared;
        this.limit = limit;
    }

    public Part part() {
        return part;
    }

    public long declared() {
        return declared;
    }

    public long limit() {
        return limit;
    }
}
