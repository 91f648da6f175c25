package org.fita.cli;

import java.net.URI;
import org.fita.server.s3.S3BlobStore;
import org.fita.server.s3.S3Location;
import org.fita.server.s3.S3StoreFactory;
import org.fita.server.storage.StoreFactory;

/**
 * The only class of the command line that names the S3 bundle, so that the rest loads where that
 * bundle is not installed (its import is optional).
 */
final class S3Storage {
    private S3Storage() {
    }

    /**
     * @param memory bytes uploads may gather, or -1 for the default
     * @throws IllegalArgumentException if the URL is not s3://BUCKET[/PREFIX]
     */
    static StoreFactory factory(String url, URI endpoint, String region, boolean pathStyle, long memory) {
        S3Location where = S3Location.parse(url, endpoint, region, pathStyle);
        return new S3StoreFactory(where, null, memory < 0 ? S3BlobStore.defaultMemory() : memory, null);
    }
}
