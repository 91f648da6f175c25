package org.fita.server.s3;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Builds the SDK's S3 client. The HTTP client is named explicitly (the SDK would otherwise look one
 * up through ServiceLoader, which OSGi does not serve), and the thread's context class loader is this
 * bundle's while the SDK starts, since it reads its own resources through it.
 */
public final class S3Clients {
    /** How long one S3 request may take: every wait has a deadline. */
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);

    private S3Clients() {
    }

    /** A client with credentials from the standard AWS chain (environment, profile, container, instance). */
    public static S3Client create(S3Location where) {
        return withOwnClassLoader(() -> create(where, DefaultCredentialsProvider.builder().build()));
    }

    public static S3Client create(S3Location where, AwsCredentialsProvider credentials) {
        return create(where, credentials, List.of());
    }

    /** With {@code interceptors} watching every attempt (tests use them to lose answers on purpose). */
    static S3Client create(S3Location where, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors) {
        return withOwnClassLoader(() -> {
            var builder = S3Client.builder()
                    .httpClient(UrlConnectionHttpClient.builder()
                            .connectionTimeout(Duration.ofSeconds(10))
                            .socketTimeout(Duration.ofSeconds(60))
                            .build())
                    .region(Region.of(where.region()))
                    .forcePathStyle(where.pathStyle())
                    .credentialsProvider(credentials)
                    // Stores other than AWS (and older AWS-compatible ones) do not all know the newer
                    // checksum headers; FiTA checks the MD5 of every file itself.
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .overrideConfiguration(ClientOverrideConfiguration.builder()
                            .apiCallTimeout(CALL_TIMEOUT)
                            .executionInterceptors(interceptors)
                            .build());
            if (where.endpoint() != null) {
                builder.endpointOverride(where.endpoint());
            }
            return builder.build();
        });
    }

    static <T> T withOwnClassLoader(Supplier<T> work) {
        Thread t = Thread.currentThread();
        ClassLoader old = t.getContextClassLoader();
        t.setContextClassLoader(S3Clients.class.getClassLoader());
        try {
            return work.get();
        } finally {
            t.setContextClassLoader(old);
        }
    }
}
