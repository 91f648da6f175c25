package org.fita.server.storage;

import java.util.List;

/**
 * One page of a user's finished files, in ascending key order.
 *
 * @param files     the entries
 * @param nextAfter the key to continue after, or {@code null} on the last page
 */
public record ListPage(List<StoredFile> files, String nextAfter) {
}
