package org.fita.server.s3;

import java.net.URI;
import java.util.Objects;

/**
 * Where a store lives: {@code s3://BUCKET[/PREFIX]} on an endpoint. Every object the store writes
 * has a key under {@code prefix} ("" or ending in '/'), so several stores may share a bucket.
 *
 * @param bucket    the bucket (must exist)
 * @param prefix    "" or a key prefix ending in '/'
 * @param endpoint  the S3 endpoint, e.g. {@code http://127.0.0.1:8333}; null for AWS itself
 * @param region    the signing region ("us-east-1" where the store does not care)
 * @param pathStyle whether the bucket goes in the path rather than the host name (most stores
 *                  other than AWS need this)
 */
public record S3Location(String bucket, String prefix, URI endpoint, String region, boolean pathStyle) {

    public S3Location {
        Objects.requireNonNull(bucket, "bucket");
        prefix = prefix == null ? "" : prefix;
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        region = region == null || region.isBlank() ? "us-east-1" : region;
    }

    /**
     * Parses {@code s3://BUCKET[/PREFIX]}.
     *
     * @throws IllegalArgumentException with a message fit for the command line
     */
    public static S3Location parse(String url, URI endpoint, String region, boolean pathStyle) {
        if (url == null || !url.startsWith("s3://")) {
            throw new IllegalArgumentException("\"" + url + "\" is not an S3 location: write s3://BUCKET or s3://BUCKET/PREFIX.");
        }
        String rest = url.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("\"" + bucket + "\" is not a valid bucket name: 3 to 63 lowercase"
                    + " letters, digits, dots and hyphens, starting and ending with a letter or digit.");
        }
        while (prefix.startsWith("/")) {
            prefix = prefix.substring(1);
        }
        return new S3Location(bucket, prefix, endpoint, region, pathStyle);
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint);
    }
}
