package org.fita.server.internal;

import java.io.IOException;
import org.fita.protocol.MessageType;
import org.fita.protocol.Operation;

/**
 * Carries out one STEP operation on a request whose envelope (and token, except for LOGIN and
 * BYE) the dispatcher has checked. Implementations are stateless and serve every connection.
 */
interface OperationHandler {

    /** The operation named in this handler's refusals (the reference says GET for some, B7). */
    Operation refusalOperation();

    /** The type named in this handler's refusals. */
    MessageType type();

    /**
     * The reply. Throws {@link Refused} for a refusal, and lets storage failures through for
     * {@link Failures} to map.
     */
    Reply handle(Request request) throws IOException, Refused;
}
