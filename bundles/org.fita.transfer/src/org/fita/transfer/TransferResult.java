package org.fita.transfer;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A finished, verified transfer.
 *
 * @param key       the remote key
 * @param localPath the local file
 * @param size      its length
 * @param md5       its MD5, the same on both sides
 * @param moved     bytes moved this time (less than size when resumed)
 * @param elapsed   how long it took
 */
public record TransferResult(String key, Path localPath, long size, String md5, long moved, Duration elapsed) {
}
