package org.fita.protocol;

/** The bytes of a frame are not a UTF-8 JSON object, or the stream ended inside a frame. */
public final class MalformedFrameException extends StepProtocolException {
    private static final long serialVersionUID = 1L;

    public MalformedFrameException(String message) {
        super(message);
    }

    public MalformedFrameException(String message, Throwable cause) {
        super(message, cause);
    }
}
