package org.fita.server.internal;

import org.fita.protocol.MessageType;
import org.fita.protocol.Operation;
import org.fita.server.storage.BlobStore;

/** A handler of a FILE or DATA operation over the store, with the type and operation its refusals name. */
abstract class StoreHandler implements OperationHandler {
    final BlobStore store;
    private final MessageType type;
    private final Operation refusalOperation;

    StoreHandler(BlobStore store, MessageType type, Operation refusalOperation) {
        this.store = store;
        this.type = type;
        this.refusalOperation = refusalOperation;
    }

    @Override
    public final Operation refusalOperation() {
        return refusalOperation;
    }

    @Override
    public final MessageType type() {
        return type;
    }
}
