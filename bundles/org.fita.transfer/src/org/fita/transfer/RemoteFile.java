package org.fita.transfer;

/**
 * A finished file on the server.
 *
 * @param key      its key
 * @param size     its length in bytes
 * @param md5      lowercase hex MD5
 * @param modified milliseconds since the epoch, or -1 where the server does not say (FILE GET)
 */
public record RemoteFile(String key, long size, String md5, long modified) {
}
