package org.fita.protocol;

import java.io.IOException;

/** Base of every error raised while reading or writing STEP frames. */
public class StepProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public StepProtocolException(String message) {
        super(message);
    }

    public StepProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
