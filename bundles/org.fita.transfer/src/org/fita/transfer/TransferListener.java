package org.fita.transfer;

/** Receives a transfer's events, on the transfer's own threads: return quickly and do not block. */
@FunctionalInterface
public interface TransferListener {
    TransferListener NONE = event -> { };

    void onEvent(TransferEvent event);
}
