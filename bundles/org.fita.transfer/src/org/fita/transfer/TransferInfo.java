package org.fita.transfer;

import java.nio.file.Path;

/**
 * What a transfer moves.
 *
 * @param id        unique within the process
 * @param direction upload or download
 * @param key       the remote key
 * @param localPath the local file
 * @param server    the server it talks to
 */
public record TransferInfo(String id, Direction direction, String key, Path localPath, ServerAddress server) {

    public enum Direction { UPLOAD, DOWNLOAD }
}
