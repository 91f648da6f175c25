package org.fita.server.storage;

import java.io.IOException;

/** How many bytes each user may use (stored files plus unfinished uploads). */
@FunctionalInterface
public interface Quotas {
    long UNLIMITED = -1;

    /** No user has a quota. */
    Quotas NONE = user -> -1;

    /** The user's quota in bytes, or {@link #UNLIMITED}. */
    long limitFor(String user) throws IOException;
}
