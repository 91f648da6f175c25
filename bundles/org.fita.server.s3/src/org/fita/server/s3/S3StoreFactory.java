package org.fita.server.s3;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.fita.server.auth.AccountStore;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.StoreFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Opens an {@link S3BlobStore} for a server ({@code fita-server --storage s3://...}). The accounts
 * live in the bucket too: the server keeps a copy in its root's {@code accounts.json}, refreshed
 * every few seconds; a bucket without accounts takes the server's local ones at start.
 */
public final class S3StoreFactory implements StoreFactory {
    private final S3Location where;
    private final AwsCredentialsProvider credentials;
    private final long memoryBytes;
    private final Consumer<S3BlobStore> opened;

    /**
     * @param credentials null for the standard AWS chain (environment, profile, container, instance)
     * @param opened      told each store opened (tests reach the store through it); may be null
     */
    public S3StoreFactory(S3Location where, AwsCredentialsProvider credentials, long memoryBytes,
            Consumer<S3BlobStore> opened) {
        this.where = where;
        this.credentials = credentials;
        this.memoryBytes = memoryBytes;
        this.opened = opened;
    }

    public S3StoreFactory(S3Location where) {
        this(where, null, S3BlobStore.defaultMemory(), null);
    }

    @Override
    public BlobStore open(Context context) throws IOException {
        var client = credentials == null ? S3Clients.create(where) : S3Clients.create(where, credentials);
        S3BlobStore store = new S3BlobStore(client, where, context.warnings(), memoryBytes);
        try {
            store.configure(context.uploadTtl(), context.quotas());
            Path accounts = context.root().resolve(AccountStore.FILE_NAME);
            store.pullAccounts(accounts);
            store.keepAccountsIn(accounts);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        if (opened != null) {
            opened.accept(store);
        }
        return store;
    }
}
