package org.fita.server.internal;

import org.fita.protocol.MessageType;
import org.fita.protocol.Operation;
import org.fita.protocol.Replies;
import org.fita.protocol.Status;

/** BYE, of any type and without a token: answered, then the connection closes (the reference stays silent, B6). */
final class ByeHandler implements OperationHandler {

    // BYE never refuses; these two name nothing on the wire.
    @Override
    public Operation refusalOperation() {
        return Operation.BYE;
    }

    @Override
    public MessageType type() {
        return MessageType.AUTH;
    }

    @Override
    public Reply handle(Request r) {
        return new Reply(Replies.of(Operation.BYE.wireName(), r.type().wireName(), Status.OK, "Bye.").build(), null,
                true, null);
    }
}
