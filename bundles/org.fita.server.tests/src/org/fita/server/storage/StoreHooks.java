package org.fita.server.storage;

import java.util.function.LongSupplier;

/** Lets tests outside this package set what a store believes the disk has free. */
public final class StoreHooks {
    private StoreHooks() {
    }

    public static void usableSpace(LocalBlobStore store, LongSupplier bytes) {
        store.usableSpace(bytes);
    }
}
