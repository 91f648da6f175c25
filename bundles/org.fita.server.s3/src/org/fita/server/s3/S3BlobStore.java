package org.fita.server.s3;

import com.google.gson.JsonObject;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.fita.protocol.MalformedFrameException;
import org.fita.protocol.StepJson;
import org.fita.server.storage.BlobReader;
import org.fita.server.storage.BlobStore;
import org.fita.server.storage.ListPage;
import org.fita.server.storage.QuotaExceededException;
import org.fita.server.storage.Quotas;
import org.fita.server.storage.StorageException;
import org.fita.server.storage.StoredFile;
import org.fita.server.storage.UploadRestartedException;
import org.fita.server.storage.UploadSession;
import org.fita.server.storage.Usage;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link BlobStore} on an S3-compatible object store, shared by any number of servers: everything
 * they share lives in the bucket (see {@link S3Keys} for the objects), and a server keeps only the
 * blocks it is gathering ({@link S3Upload}). Finished files are published by
 * CompleteMultipartUpload, which makes a key appear whole or not at all; their MD5 (the file's own,
 * never an ETag) is in their metadata.
 */
public final class S3BlobStore implements BlobStore {
    /** How long a server waits for the file that another server, holding the completion claim, publishes. */
    static final Duration PUBLICATION_WAIT = Duration.ofSeconds(60);
    private static final long PUBLICATION_POLL_MILLIS = 200;
    /** A completion claim not renewed for this long was left by a server that stopped: another takes over. */
    static final Duration STALE_CLAIM = Duration.ofMinutes(10);
    /** How often the holder of a claim renews it while it writes a large file. */
    static final Duration CLAIM_RENEW = Duration.ofMinutes(1);
    /** How long a completion waits for blocks that other servers still gather in memory. */
    static final Duration COMPLETION_WAIT = Duration.ofSeconds(10);
    /** Windows idle this long are written, so that other servers see their blocks. */
    static final long IDLE_WRITE_NANOS = TimeUnit.MILLISECONDS.toNanos(700);
    /** Sessions unused this long leave memory (their blocks are in the store). */
    private static final long IDLE_FORGET_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Plan checks: how often a session asks whether its plan is still the current one. */
    private static final long PLAN_CHECK_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** A multipart upload this old was left by a server that died while completing: it is aborted. */
    private static final Duration STALE_MULTIPART = Duration.ofHours(6);
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(10);
    private static final String MD5_OF_NOTHING = "d41d8cd98f00b204e9800998ecf8427e";
    static final String META_MD5 = "fita-md5";
    static final String META_KEY = "fita-key";
    static final String META_MODIFIED = "fita-modified";
    static final String META_UPLOAD = "fita-upload";
    /** A random mark of one conditional write, to recognise it when its retry is refused. */
    static final String META_WRITE = "fita-write";
    static final int MAX_UNFINISHED_PER_USER = 1000;
    /** How often a server copies the shared accounts (a new user or password reaches every server within it). */
    static final long ACCOUNTS_EVERY_MS = 3000;

    private final S3Client s3;
    private final S3Location where;
    private final String bucket;
    private final S3Keys keys;
    private final Consumer<String> warnings;
    private final MemoryBudget budget;
    private final Map<String, S3Upload> sessions = new ConcurrentHashMap<>();
    private final Map<String, Long> planChecked = new ConcurrentHashMap<>();
    /** Locks of plans and deletes, striped by key: a bounded set however many keys come and go. */
    private final ReentrantLock[] keyLocks = new ReentrantLock[256];
    /** Quota checks with what they reserve, striped by user (apart from keyLocks, which are held around them). */
    private final ReentrantLock[] quotaLocks = new ReentrantLock[64];
    /** Bytes of inline files being stored now, per user: files stored at once count together against the quota. */
    private final Map<String, Long> inlineStoring = new ConcurrentHashMap<>();
    /** Each user's stored bytes for quota checks, listed again every few seconds rather than for each file. */
    private final StoredBytes storedBytes = new StoredBytes(this::quotaLock, this::listStoredBytes);
    /** HEADs of one LIST page in flight at once. */
    private static final int LIST_HEADS_AT_ONCE = 16;
    private final ScheduledExecutorService background;
    private final ExecutorService heads = Executors.newVirtualThreadPerTaskExecutor();
    private volatile Duration uploadTtl = Duration.ofDays(7);
    private volatile Quotas quotas = Quotas.NONE;
    private volatile long lastSweepNanos = System.nanoTime();
    private volatile boolean closed;

    /** One segment object: blocks {@code first..end-1}, {@code bytes} long. */
    record Segment(long first, long end, String objectKey, long bytes) {
    }

    /**
     * @param memoryBytes what every upload together may gather in memory before writing to the store
     */
    public S3BlobStore(S3Client s3, S3Location where, Consumer<String> warnings, long memoryBytes) {
        this.s3 = s3;
        this.where = where;
        this.bucket = where.bucket();
        this.keys = new S3Keys(where.prefix());
        this.warnings = warnings;
        this.budget = new MemoryBudget(memoryBytes);
        for (int i = 0; i < keyLocks.length; i++) {
            keyLocks[i] = new ReentrantLock();
        }
        for (int i = 0; i < quotaLocks.length; i++) {
            quotaLocks[i] = new ReentrantLock();
        }
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fita-s3-writer");
            t.setDaemon(true);
            return t;
        });
        background.scheduleWithFixedDelay(this::writeIdleWindows, 250, 250, TimeUnit.MILLISECONDS);
    }

    /** A quarter of the heap, at most 1 GiB: what uploads may gather by default. */
    public static long defaultMemory() {
        return Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4);
    }

    /** Sets the upload lifetime and the quotas, and checks that the bucket answers. */
    public void configure(Duration uploadTtl, Quotas quotas) throws IOException {
        this.uploadTtl = uploadTtl;
        this.quotas = quotas;
        call("reaching the bucket", () -> s3.headBucket(b -> b.bucket(bucket)));
    }

    MemoryBudget budget() {
        return budget;
    }

    S3Keys keys() {
        return keys;
    }

    @Override
    public String describe() {
        return where.toString();
    }

    static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    // ---- calls to the store

    /** Runs a call to the store, turning the SDK's failures into a {@link StorageException}. */
    <T> T call(String what, Supplier<T> work) throws StorageException {
        if (closed) {
            throw new StorageException("The server is shutting down.");
        }
        try {
            return work.get();
        } catch (SdkException e) {
            throw new StorageException("The object store failed while " + what + ": " + e.getMessage()
                    + ". Check that it is reachable and that the server's credentials may use bucket \"" + bucket
                    + "\"; then try again.", e);
        }
    }

    private Optional<HeadObjectResponse> head(String objectKey) throws StorageException {
        try {
            return Optional.of(call("reading " + objectKey, () -> s3.headObject(b -> b.bucket(bucket).key(objectKey))));
        } catch (StorageException e) {
            if (notFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static boolean notFound(Throwable e) {
        Throwable c = e instanceof StorageException && e.getCause() != null ? e.getCause() : e;
        return c instanceof NoSuchKeyException || (c instanceof S3Exception s && s.statusCode() == 404);
    }

    /** 412: the condition is false (the object exists, or changed). */
    private static boolean preconditionFailed(Throwable e) {
        return statusOf(e) == 412;
    }

    /** 409 ConditionalRequestConflict: another conditional write to the key was in progress; try again. */
    private static boolean conditionalConflict(Throwable e) {
        return statusOf(e) == 409;
    }

    private static int statusOf(Throwable e) {
        Throwable c = e instanceof StorageException && e.getCause() != null ? e.getCause() : e;
        return c instanceof S3Exception s ? s.statusCode() : -1;
    }

    /** Every object under {@code prefix}, page by page (each page is at most 1000 keys). */
    private Iterable<S3Object> listAll(String prefix, String startAfter) {
        return () -> new Iterator<>() {
            private Iterator<S3Object> page = Collections.emptyIterator();
            private String token;
            private boolean last;

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && !last) {
                    ListObjectsV2Response r;
                    try {
                        r = call("listing " + prefix, () -> s3.listObjectsV2(b -> {
                            b.bucket(bucket).prefix(prefix);
                            if (token != null) {
                                b.continuationToken(token);
                            } else if (startAfter != null) {
                                b.startAfter(startAfter);
                            }
                        }));
                    } catch (StorageException e) {
                        throw new ListingFailed(e);
                    }
                    page = r.contents().iterator();
                    token = r.nextContinuationToken();
                    last = !Boolean.TRUE.equals(r.isTruncated()) || token == null;
                }
                return page.hasNext();
            }

            @Override
            public S3Object next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
    }

    /** A failed listing, carried out of an iterator. */
    private static final class ListingFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ListingFailed(StorageException cause) {
            super(cause);
        }

        StorageException storage() {
            return (StorageException) getCause();
        }
    }

    private void deleteAll(List<String> objectKeys) throws StorageException {
        for (int i = 0; i < objectKeys.size(); i += 1000) {
            List<ObjectIdentifier> batch = objectKeys.subList(i, Math.min(objectKeys.size(), i + 1000)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            call("deleting objects", () -> s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(batch).quiet(true))));
        }
    }

    private List<String> keysUnder(String prefix) throws StorageException {
        List<String> out = new ArrayList<>();
        try {
            for (S3Object o : listAll(prefix, null)) {
                out.add(o.key());
            }
        } catch (ListingFailed e) {
            throw e.storage();
        }
        return out;
    }

    // ---- finished files

    /** What a file was a moment ago: every UPLOAD and DOWNLOAD asks, and a HEAD each time would cost more than the block. */
    private record Stat(StoredFile file, long atNanos) {
    }

    private final Map<String, Stat> stats = new ConcurrentHashMap<>();
    /** When each key's cached state was last declared stale: a HEAD that started before must not be cached. */
    private final Map<String, Long> statsInvalidated = new ConcurrentHashMap<>();
    private volatile long statsAllInvalidated = System.nanoTime();
    private static final long STAT_FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_STATS = 10_000;

    /**
     * The finished file, as the store said at most a second ago (a delete or replacement through
     * another server is seen here within that second; through this one at once, and so is a file
     * another server published from an upload this one took part in). The same instance is returned
     * while the file does not change, so that readers kept open are reused.
     */
    @Override
    public Optional<StoredFile> stat(String user, String key) throws IOException {
        String sk = sessionKey(user, key);
        Stat known = stats.get(sk);
        if (known != null && System.nanoTime() - known.atNanos() < STAT_FRESH_NANOS) {
            return Optional.ofNullable(known.file());
        }
        long asked = System.nanoTime();
        Optional<HeadObjectResponse> h = head(keys.file(user, key));
        StoredFile now = h.isEmpty() ? null : toStoredFile(key, h.get());
        if (known != null && java.util.Objects.equals(known.file(), now)) {
            now = known.file();
        }
        // An object without FiTA's metadata is not remembered as "no file": it may be one being
        // written by a store whose publication is not atomic, and the next question asks again.
        boolean foreign = h.isPresent() && now == null;
        Long invalidated = statsInvalidated.get(sk);
        if (!foreign && statsAllInvalidated - asked < 0 && (invalidated == null || invalidated - asked < 0)) {
            if (stats.size() >= MAX_STATS) {
                stats.clear();
            }
            // Fresh from when the question was asked, not from when the answer came.
            stats.put(sk, new Stat(now, asked));
        }
        return Optional.ofNullable(now);
    }

    /** The key's file changed: forgets what this server knew of it and of its user's stored bytes. */
    void statChanged(String user, String key) {
        forgetStat(user, key);
        storedBytes.forget(user);
    }

    /** Forgets what this server knew of the key's file; a HEAD already in flight is not cached either. */
    private void forgetStat(String user, String key) {
        String sk = sessionKey(user, key);
        if (statsInvalidated.size() >= MAX_STATS) {
            // Bounded: forgetting every key's mark at once counts as marking them all now.
            statsAllInvalidated = System.nanoTime();
            statsInvalidated.clear();
        }
        statsInvalidated.put(sk, System.nanoTime());
        stats.remove(sk);
    }

    private StoredFile toStoredFile(String key, HeadObjectResponse h) {
        String md5 = h.metadata().get(META_MD5);
        if (md5 == null) {
            return null; // not written by a FiTA server
        }
        long modified = h.lastModified() == null ? 0 : h.lastModified().toEpochMilli();
        try {
            String m = h.metadata().get(META_MODIFIED);
            if (m != null) {
                modified = Long.parseLong(m);
            }
        } catch (NumberFormatException ignored) {
            // the store's own time stays
        }
        return new StoredFile(key, h.contentLength(), md5, modified);
    }

    @Override
    public boolean hasUnfinished(String user, String key) throws IOException {
        return currentPlan(user, key) != null;
    }

    @Override
    public BlobReader open(String user, StoredFile file) throws IOException {
        String objectKey = keys.file(user, file.key());
        return new S3Reader(this, s3, bucket, objectKey, file.size());
    }

    @Override
    public boolean deleteFile(String user, String key) throws IOException {
        String objectKey = keys.file(user, key);
        if (head(objectKey).isEmpty()) {
            return false;
        }
        call("deleting \"" + key + "\"", () -> s3.deleteObject(b -> b.bucket(bucket).key(objectKey)));
        statChanged(user, key);
        return true;
    }

    @Override
    public ListPage list(String user, String prefix, String after, int limit) throws IOException {
        String base = keys.filesOf(user);
        String listPrefix = base + (prefix == null ? "" : S3Keys.keyPrefix(prefix));
        String startAfter = after == null ? null : base + S3Keys.key(after);
        if (startAfter != null && startAfter.compareTo(listPrefix) < 0) {
            startAfter = null;
        }
        List<String> found = new ArrayList<>();
        try {
            for (S3Object o : listAll(listPrefix, startAfter)) {
                found.add(o.key());
                if (found.size() > limit) {
                    break;
                }
            }
        } catch (ListingFailed e) {
            throw e.storage();
        }
        boolean more = found.size() > limit;
        List<String> page = more ? found.subList(0, limit) : found;
        // The MD5s are in each file's metadata: read them side by side.
        List<Future<StoredFile>> heads = new ArrayList<>();
        java.util.concurrent.Semaphore atOnce = new java.util.concurrent.Semaphore(LIST_HEADS_AT_ONCE);
        for (String objectKey : page) {
            heads.add(this.heads.submit(() -> {
                Optional<HeadObjectResponse> h;
                atOnce.acquire();
                try {
                    h = head(objectKey);
                } finally {
                    atOnce.release();
                }
                if (h.isEmpty()) {
                    return null; // deleted meanwhile
                }
                String k = S3Keys.decodeKey(objectKey.substring(base.length()));
                String meta = h.get().metadata().get(META_KEY);
                if (meta != null) {
                    k = new String(Base64.getUrlDecoder().decode(meta), StandardCharsets.UTF_8);
                }
                return k == null ? null : toStoredFile(k, h.get());
            }));
        }
        List<StoredFile> files = new ArrayList<>();
        for (Future<StoredFile> f : heads) {
            try {
                StoredFile file = f.get(S3Clients.CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                if (file != null && (prefix == null || file.key().startsWith(prefix))) {
                    files.add(file);
                }
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new StorageException(e.getCause().toString(), e);
            } catch (java.util.concurrent.TimeoutException | InterruptedException e) {
                throw new StorageException("Listing files took too long: " + e, e);
            }
        }
        String nextAfter = more && !files.isEmpty() ? files.get(files.size() - 1).key() : null;
        return new ListPage(files, nextAfter);
    }

    // ---- DATA records

    @Override
    public boolean saveData(String user, String key, JsonObject record) throws IOException {
        byte[] bytes = StepJson.toText(record).getBytes(StandardCharsets.US_ASCII);
        checkQuota(user, bytes.length, null);
        // Conditional: of two servers saving the same key at once, one wins and the other says "exists".
        boolean created = createOnce(keys.data(user, key), bytes, "application/json", "saving DATA \"" + key + "\"") != null;
        if (created) {
            storedBytes.add(user, bytes.length);
        }
        return created;
    }

    /**
     * Creates {@code objectKey} only if it does not exist (PUT with {@code If-None-Match: *}); returns
     * the new object's ETag, or null if it existed. Each call marks its object with a random
     * {@link #META_WRITE}, so that a 412 caused by this very write (the SDK retries a PUT whose answer
     * was lost, and the retry finds the object the first attempt made) is told from another writer's
     * object and counts as success. A 409 (another conditional write to the key in progress) is
     * retried; the object then exists or not.
     */
    String createOnce(String objectKey, byte[] bytes, String contentType, String what) throws StorageException {
        String mine = HexFormat.of().formatHex(randomBytes());
        for (int attempt = 1;; attempt++) {
            try {
                return call(what, () -> s3.putObject(b -> b.bucket(bucket).key(objectKey).ifNoneMatch("*")
                        .contentType(contentType).metadata(Map.of(META_WRITE, mine)), RequestBody.fromBytes(bytes))).eTag();
            } catch (StorageException e) {
                if (preconditionFailed(e)) {
                    Optional<HeadObjectResponse> there = head(objectKey);
                    if (there.isPresent() && mine.equals(there.get().metadata().get(META_WRITE))) {
                        warnings.accept("The object store refused to create " + objectKey + " because a retry of"
                                + " the same write found it already made; it counts as written.");
                        return there.get().eTag();
                    }
                    return null;
                }
                if (!conditionalConflict(e) || attempt == 3) {
                    throw e;
                }
            }
            try {
                Thread.sleep(50L * attempt); // the conflicting write settles; then it exists or not
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException("Interrupted while " + what + ".", e);
            }
        }
    }

    private static final java.security.SecureRandom NONCES = new java.security.SecureRandom();

    private static byte[] randomBytes() {
        byte[] b = new byte[16];
        NONCES.nextBytes(b);
        return b;
    }

    @Override
    public Optional<JsonObject> getData(String user, String key) throws IOException {
        String objectKey = keys.data(user, key);
        byte[] bytes;
        try {
            bytes = call("reading DATA \"" + key + "\"",
                    () -> s3.getObject(b -> b.bucket(bucket).key(objectKey), ResponseTransformer.toBytes())).asByteArray();
        } catch (StorageException e) {
            if (notFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
        try {
            return Optional.of(StepJson.parse(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject());
        } catch (MalformedFrameException | IllegalStateException e) {
            throw new StorageException("The stored DATA record \"" + key + "\" is damaged: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean deleteData(String user, String key) throws IOException {
        String objectKey = keys.data(user, key);
        if (head(objectKey).isEmpty()) {
            return false;
        }
        call("deleting DATA \"" + key + "\"", () -> s3.deleteObject(b -> b.bucket(bucket).key(objectKey)));
        storedBytes.forget(user);
        return true;
    }

    // ---- usage and quotas

    @Override
    public Usage usage(String user) throws IOException {
        return new Usage(storedBytes.of(user), promised(user, null).bytes, quotas.limitFor(user));
    }

    private ReentrantLock quotaLock(String user) {
        return quotaLocks[Math.floorMod(user.hashCode(), quotaLocks.length)];
    }

    /** Stored bytes for quota checks listed so far, for tests. */
    long storedBytesListings() {
        return storedBytes.listings();
    }

    private long listStoredBytes(String user) throws StorageException {
        long sum = 0;
        try {
            for (S3Object o : listAll(keys.filesOf(user), null)) {
                sum += o.size();
            }
            for (S3Object o : listAll(keys.dataOf(user), null)) {
                sum += o.size();
            }
        } catch (ListingFailed e) {
            throw e.storage();
        }
        return sum;
    }

    private record Promised(long bytes, int uploads) {
    }

    /** The sizes of the user's current plans (the newest of each key), leaving out {@code exceptKey}'s. */
    private Promised promised(String user, String exceptKey) throws StorageException {
        String base = keys.plansOf(user);
        String except = exceptKey == null ? null : keys.plansOf(user, exceptKey);
        Map<String, PlanId> newest = new HashMap<>();
        try {
            for (S3Object o : listAll(base, null)) {
                if (except != null && o.key().startsWith(except)) {
                    continue;
                }
                PlanId p = PlanId.parse(o.key());
                if (p != null) {
                    String k = o.key().substring(0, o.key().lastIndexOf('/'));
                    PlanId old = newest.get(k);
                    if (old == null || p.text().compareTo(old.text()) > 0) {
                        newest.put(k, p);
                    }
                }
            }
        } catch (ListingFailed e) {
            throw e.storage();
        }
        return new Promised(newest.values().stream().mapToLong(PlanId::size).sum(), newest.size());
    }

    /** Checks {@code bytes} more against the user's quota, counted from the store (all servers' work). */
    private void checkQuota(String user, long bytes, String replacingPlanOf) throws IOException {
        long limit = quotas.limitFor(user);
        Promised promised = null;
        if (replacingPlanOf != null) {
            promised = promised(user, replacingPlanOf);
            if (promised.uploads >= MAX_UNFINISHED_PER_USER) {
                throw new QuotaExceededException("\"" + user + "\" has " + promised.uploads
                        + " unfinished uploads, the most this server keeps for one user. Finish or delete some"
                        + " (FILE DELETE) first.");
            }
        }
        if (limit == Quotas.UNLIMITED) {
            return;
        }
        if (promised == null) {
            promised = promised(user, null);
        }
        long used = storedBytes.of(user) + promised.bytes;
        if (used + bytes > limit || used + bytes < 0) {
            throw new QuotaExceededException(user, used, limit, bytes);
        }
    }

    // ---- uploads

    private static String sessionKey(String user, String key) {
        return user + "\u0000" + key;
    }

    private ReentrantLock keyLock(String user, String key) {
        return keyLocks[Math.floorMod(sessionKey(user, key).hashCode(), keyLocks.length)];
    }

    /** The newest plan of the key in the store, or null. */
    private PlanId currentPlan(String user, String key) throws StorageException {
        PlanId newest = null;
        try {
            for (S3Object o : listAll(keys.plansOf(user, key), null)) {
                PlanId p = PlanId.parse(o.key());
                if (p != null && (newest == null || p.text().compareTo(newest.text()) > 0)) {
                    newest = p;
                }
            }
        } catch (ListingFailed e) {
            throw e.storage();
        }
        return newest;
    }

    @Override
    public UploadSession beginUpload(String user, String key, long size, int blockSize, boolean resume,
            boolean replace) throws IOException {
        ReentrantLock lock = keyLock(user, key);
        lock.lock();
        try {
            if (resume) {
                Optional<UploadSession> existing = findUpload(user, key);
                if (existing.isPresent() && existing.get().size() == size && existing.get().blockSize() == blockSize) {
                    touch((S3Upload) existing.get());
                    return existing.get();
                }
            }
            checkQuota(user, size, key);
            PlanId plan = PlanId.fresh(size, blockSize, replace);
            String planKey = keys.plan(user, key, plan.text());
            call("starting the upload of \"" + key + "\"",
                    () -> s3.putObject(b -> b.bucket(bucket).key(planKey), RequestBody.empty()));
            S3Upload old = sessions.remove(sessionKey(user, key));
            if (old != null) {
                old.abandon(); // first: its windows are not written under the plan being dropped
            }
            dropPlans(user, key, plan);
            S3Upload upload = new S3Upload(this, user, key, plan);
            sessions.put(sessionKey(user, key), upload);
            planChecked.put(sessionKey(user, key), System.nanoTime());
            return upload;
        } finally {
            lock.unlock();
        }
    }

    /** Marks a resumed upload as in use (its plan object's time is the expiry clock's start). */
    private void touch(S3Upload upload) throws StorageException {
        String planKey = keys.plan(upload.user, upload.key, upload.plan.text());
        call("touching the upload of \"" + upload.key + "\"",
                () -> s3.putObject(b -> b.bucket(bucket).key(planKey), RequestBody.empty()));
    }

    /** Deletes every plan of the key other than {@code keep} (null: all), with their blocks. True if there was one. */
    private boolean dropPlans(String user, String key, PlanId keep) throws StorageException {
        List<String> doomed = new ArrayList<>();
        for (String planKey : keysUnder(keys.plansOf(user, key))) {
            PlanId p = PlanId.parse(planKey);
            if (p != null && (keep == null || !p.equals(keep))) {
                doomed.addAll(keysUnder(keys.blocksOf(user, key, p.text())));
                doomed.add(planKey);
            }
        }
        deleteAll(doomed);
        return !doomed.isEmpty();
    }

    @Override
    public Optional<UploadSession> findUpload(String user, String key) throws IOException {
        String sk = sessionKey(user, key);
        S3Upload open = sessions.get(sk);
        Long checked = planChecked.get(sk);
        if (open != null && !open.isClosed() && checked != null && System.nanoTime() - checked < PLAN_CHECK_NANOS) {
            return Optional.of(open);
        }
        ReentrantLock lock = keyLock(user, key);
        lock.lock();
        try {
            PlanId plan = currentPlan(user, key);
            if (planChecked.size() >= MAX_STATS) {
                planChecked.clear();
            }
            planChecked.put(sk, System.nanoTime());
            open = sessions.get(sk);
            if (plan == null) {
                if (open != null) {
                    sessions.remove(sk, open);
                    open.abandon();
                }
                return Optional.empty();
            }
            if (open != null && !open.isClosed() && open.plan.equals(plan)) {
                return Optional.of(open);
            }
            if (open != null) {
                open.abandon(); // another server reset the upload
            }
            S3Upload loaded = new S3Upload(this, user, key, plan);
            loaded.learnStored(listSegments(user, key, plan));
            sessions.put(sk, loaded);
            return Optional.of(loaded);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean deleteUnfinished(String user, String key) throws IOException {
        ReentrantLock lock = keyLock(user, key);
        lock.lock();
        try {
            S3Upload open = sessions.remove(sessionKey(user, key));
            if (open != null) {
                open.abandon();
            }
            return dropPlans(user, key, null) || open != null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public StoredFile storeEmpty(String user, String key) throws IOException {
        deleteUnfinished(user, key);
        long now = System.currentTimeMillis();
        String objectKey = keys.file(user, key);
        call("storing the empty file \"" + key + "\"", () -> s3.putObject(b -> b.bucket(bucket).key(objectKey)
                .metadata(metadata(key, MD5_OF_NOTHING, now, "empty")), RequestBody.empty()));
        statChanged(user, key);
        return new StoredFile(key, 0, MD5_OF_NOTHING, now);
    }

    /**
     * A small file sent whole: one PUT of the object with its MD5 in the metadata. S3 makes the PUT
     * durable and atomic before it answers, so there is nothing to group-commit here.
     */
    @Override
    public InlineResult storeInline(String user, String key, InputStream data, long size, String md5, boolean replace)
            throws IOException {
        if (size < 0 || size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("An inline file must be small, not " + size + " bytes.");
        }
        byte[] bytes = data.readNBytes((int) size);
        if (bytes.length != size) {
            throw new EOFException("The inline file ended after " + bytes.length + " of " + size + " bytes.");
        }
        String actual = HexFormat.of().formatHex(newMd5().digest(bytes));
        if (!actual.equalsIgnoreCase(md5)) {
            return new InlineResult(InlineOutcome.MD5_MISMATCH, null);
        }
        ReentrantLock lock = keyLock(user, key);
        lock.lock(); // a second request for the same key waits, then finds the file stored
        try {
            Optional<StoredFile> existing = stat(user, key);
            if (existing.isPresent() && !replace) {
                return new InlineResult(InlineOutcome.EXISTS, null);
            }
            long growth = size - existing.map(StoredFile::size).orElse(0L);
            ReentrantLock quotaLock = quotaLock(user);
            quotaLock.lock();
            try {
                checkQuota(user, growth + inlineStoring.getOrDefault(user, 0L), key);
                inlineStoring.merge(user, size, Long::sum);
            } finally {
                quotaLock.unlock();
            }
            try {
                deleteUnfinished(user, key);
                long now = System.currentTimeMillis();
                String objectKey = keys.file(user, key);
                call("storing the file \"" + key + "\"", () -> s3.putObject(b -> b.bucket(bucket).key(objectKey)
                        .metadata(metadata(key, actual, now, "inline")), RequestBody.fromBytes(bytes)));
                forgetStat(user, key);
                storedBytes.add(user, growth);
                return new InlineResult(InlineOutcome.STORED, new StoredFile(key, size, actual, now));
            } finally {
                // Stored or not, the file now counts through the store's listing, or not at all.
                inlineStoring.computeIfPresent(user, (u, storing) -> storing == size ? null : storing - size);
            }
        } finally {
            lock.unlock();
        }
    }

    private static Map<String, String> metadata(String key, String md5, long modified, String upload) {
        return Map.of(META_MD5, md5,
                META_KEY, Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8)),
                META_MODIFIED, Long.toString(modified),
                META_UPLOAD, upload);
    }

    void forget(S3Upload upload) {
        sessions.remove(sessionKey(upload.user, upload.key), upload);
        planChecked.remove(sessionKey(upload.user, upload.key));
    }

    void putSegment(S3Upload u, long first, long end, byte[] bytes, int offset, int length) throws StorageException {
        String objectKey = keys.segment(u.user, u.key, u.plan.text(), first, end);
        // Streamed from the window itself: no copy of the bytes.
        call("storing blocks of \"" + u.key + "\"", () -> s3.putObject(b -> b.bucket(bucket).key(objectKey),
                RequestBody.fromContentProvider(() -> new java.io.ByteArrayInputStream(bytes, offset, length), length,
                        "application/octet-stream")));
    }

    void deleteSegmentsQuietly(S3Upload u, List<long[]> runs) {
        List<String> doomed = runs.stream().map(r -> keys.segment(u.user, u.key, u.plan.text(), r[0], r[1])).toList();
        try {
            deleteAll(doomed);
        } catch (StorageException e) {
            warnings.accept("Blocks of an abandoned upload of \"" + u.key + "\" could not be deleted (" + e.getMessage()
                    + "); the sweep removes them.");
        }
    }

    List<Segment> listSegments(String user, String key, PlanId plan) throws StorageException {
        List<Segment> out = new ArrayList<>();
        try {
            for (S3Object o : listAll(keys.blocksOf(user, key, plan.text()), null)) {
                long[] r = S3Keys.segmentRange(o.key());
                long expected = r == null ? -1
                        : Math.min(plan.size(), r[1] * plan.blockSize()) - r[0] * plan.blockSize();
                if (r != null && o.size() != expected) {
                    warnings.accept("Ignored " + o.key() + ": " + o.size() + " bytes where its blocks make " + expected
                            + "; those blocks will be asked for again.");
                } else if (r != null) {
                    out.add(new Segment(r[0], r[1], o.key(), o.size()));
                }
            }
        } catch (ListingFailed e) {
            throw e.storage();
        }
        return out;
    }

    // ---- completion

    /** A stretch of the file: {@code length} bytes of {@code objectKey} from {@code offset}, at {@code fileOffset}. */
    record Piece(String objectKey, long offset, long fileOffset, long length, long objectBytes) {
    }

    /** The segments that cover the file, in order, taking from each what the earlier ones left out. */
    private static List<Piece> cover(S3Upload u, List<Segment> segments) throws StorageException {
        List<Segment> sorted = new ArrayList<>(segments);
        sorted.sort((a, b) -> a.first() != b.first() ? Long.compare(a.first(), b.first()) : Long.compare(b.end(), a.end()));
        List<Piece> pieces = new ArrayList<>();
        long pos = 0;
        int i = 0;
        int blockSize = u.blockSize();
        while (pos < u.totalBlocks) {
            Segment best = null;
            while (i < sorted.size() && sorted.get(i).first() <= pos) {
                Segment s = sorted.get(i++);
                if (s.end() > pos && (best == null || s.end() > best.end())) {
                    best = s;
                }
            }
            if (best == null) {
                throw new StorageException("Block " + pos + " of \"" + u.key + "\" is missing from the store.");
            }
            long fileOffset = pos * blockSize;
            long fileEnd = Math.min(u.size(), best.end() * blockSize);
            pieces.add(new Piece(best.objectKey(), fileOffset - best.first() * blockSize, fileOffset,
                    fileEnd - fileOffset, best.bytes()));
            pos = best.end();
        }
        return pieces;
    }

    /** The file's bytes {@code from..to-1}, read from the pieces one ranged GET after another. */
    private InputStream read(List<Piece> pieces, long from, long to) {
        List<Piece> needed = new ArrayList<>();
        for (Piece p : pieces) {
            long a = Math.max(from, p.fileOffset());
            long b = Math.min(to, p.fileOffset() + p.length());
            if (a < b) {
                needed.add(new Piece(p.objectKey(), p.offset() + (a - p.fileOffset()), a, b - a, p.objectBytes()));
            }
        }
        Iterator<Piece> it = needed.iterator();
        return new SequenceInputStream(new Enumeration<InputStream>() {
            @Override
            public boolean hasMoreElements() {
                return it.hasNext();
            }

            @Override
            public InputStream nextElement() {
                Piece p = it.next();
                String range = "bytes=" + p.offset() + "-" + (p.offset() + p.length() - 1);
                try {
                    return call("reading blocks of an upload",
                            () -> s3.getObject(b -> b.bucket(bucket).key(p.objectKey()).range(range)));
                } catch (StorageException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
    }

    /** A completion claim this server holds: its object, ETag and mark, and when it was last renewed. */
    private static final class Claim {
        final String objectKey;
        String etag;
        long renewedNanos = System.nanoTime();
        /** Another server took it over: it is theirs to delete. */
        boolean lost;

        Claim(String objectKey, String etag) {
            this.objectKey = objectKey;
            this.etag = etag;
        }
    }

    /**
     * Publishes an upload whose blocks are all in the store (listed in {@code segments}), once,
     * however many servers try at the same time. A server first looks whether the file was already
     * published from this plan ({@code fita-upload}); if not, it creates the plan's completion claim
     * (a conditional PUT, {@code If-None-Match: *}): exactly one server succeeds and assembles the
     * file; the others wait for its publication and answer with it. The holder deletes the plan, its
     * blocks and then the claim; if it fails before publishing, it deletes the claim so that another
     * server can take over, and a claim left by a server that died is taken over once it has not been
     * renewed for {@link #STALE_CLAIM}. Null if the file is not published within {@link #PUBLICATION_WAIT}
     * (the holder is still at work: the client asks FILE GET later).
     */
    StoredFile publish(S3Upload u, List<Segment> segments, MessageDigest md5, long hashedBlocks) throws IOException {
        String objectKey = keys.file(u.user, u.key);
        String planKey = keys.plan(u.user, u.key, u.plan.text());
        String claimKey = keys.claim(u.user, u.key, u.plan.text());
        long deadline = System.nanoTime() + PUBLICATION_WAIT.toNanos();
        while (true) {
            StoredFile done = publishedAs(u, objectKey);
            if (done != null) {
                return done;
            }
            Claim claim = claim(claimKey, u.key);
            if (claim != null) {
                try {
                    done = assemble(u, segments, md5, hashedBlocks, objectKey, planKey, claim);
                } finally {
                    release(claim); // after a failure, another server may try again
                }
                return done;
            }
            // Another server holds the claim: wait for its file, or for the claim to go (it failed).
            while (true) {
                if (System.nanoTime() > deadline) {
                    return null;
                }
                sleepBriefly(PUBLICATION_POLL_MILLIS);
                done = publishedAs(u, objectKey);
                if (done != null) {
                    return done;
                }
                Optional<HeadObjectResponse> held = head(claimKey);
                if (held.isEmpty() || stale(held.get())) {
                    break;
                }
            }
            if (head(planKey).isEmpty() && publishedAs(u, objectKey) == null) {
                throw new UploadRestartedException(u.key); // deleted or reset meanwhile
            }
        }
    }

    private static boolean stale(HeadObjectResponse claim) {
        return claim.lastModified() != null && claim.lastModified().isBefore(Instant.now().minus(STALE_CLAIM));
    }

    /** Creates the claim, or takes over a stale one; null if another server holds it. */
    private Claim claim(String claimKey, String key) throws StorageException {
        byte[] body = ("{\"at\":" + System.currentTimeMillis() + "}").getBytes(StandardCharsets.US_ASCII);
        String etag = createOnce(claimKey, body, "application/json", "claiming the publication of \"" + key + "\"");
        if (etag != null) {
            return new Claim(claimKey, etag);
        }
        Optional<HeadObjectResponse> held = head(claimKey);
        if (held.isEmpty() || !stale(held.get())) {
            return null; // held (or just released: the caller looks again)
        }
        // Its holder died: replace it only if it is still that same claim, so that one server takes over.
        String old = held.get().eTag();
        try {
            String taken = call("taking over the publication of \"" + key + "\"", () -> s3.putObject(b -> b
                    .bucket(bucket).key(claimKey).ifMatch(old).contentType("application/json"),
                    RequestBody.fromBytes(body))).eTag();
            warnings.accept("The publication of \"" + key + "\" was claimed by a server that stopped; this server"
                    + " takes it over.");
            return new Claim(claimKey, taken);
        } catch (StorageException e) {
            if (preconditionFailed(e) || conditionalConflict(e) || notFound(e)) {
                return null;
            }
            throw e;
        }
    }

    /** Renews a claim held for a while, so that nobody takes it over; fails if someone did. */
    private void renew(Claim claim, String key) throws StorageException {
        if (System.nanoTime() - claim.renewedNanos < CLAIM_RENEW.toNanos()) {
            return;
        }
        String old = claim.etag;
        byte[] body = ("{\"at\":" + System.currentTimeMillis() + "}").getBytes(StandardCharsets.US_ASCII);
        try {
            claim.etag = call("renewing the claim on \"" + key + "\"", () -> s3.putObject(b -> b.bucket(bucket)
                    .key(claim.objectKey).ifMatch(old).contentType("application/json"), RequestBody.fromBytes(body)))
                    .eTag();
            claim.renewedNanos = System.nanoTime();
        } catch (StorageException e) {
            if (preconditionFailed(e) || notFound(e)) {
                claim.lost = true;
                throw new StorageException("Another server took over the publication of \"" + key
                        + "\" while this one was still at it; it publishes the file.", e);
            }
            throw e;
        }
    }

    private static boolean sameEtag(String a, String b) {
        return a != null && b != null && a.replace("\"", "").equals(b.replace("\"", ""));
    }

    /** Deletes a claim this server still holds (not one another server took over meanwhile). */
    private void release(Claim claim) {
        try {
            Optional<HeadObjectResponse> now = claim.lost ? Optional.empty() : head(claim.objectKey);
            if (now.isPresent() && sameEtag(claim.etag, now.get().eTag())) {
                deleteQuietly(claim.objectKey);
            }
        } catch (StorageException e) {
            warnings.accept("The claim " + claim.objectKey + " could not be released (" + e.getMessage()
                    + "); another server takes it over once it is " + STALE_CLAIM.toMinutes() + " minutes old.");
        }
    }

    /**
     * Writes the file as the claim's holder: finishes the MD5 (reading back what the hasher did not
     * see), writes a multipart upload (a part that is one whole segment is copied inside the store),
     * checks that its plan is still current, completes, checks what was completed, and deletes the
     * plan and its blocks. The multipart upload is aborted whatever fails before its completion.
     */
    private StoredFile assemble(S3Upload u, List<Segment> segments, MessageDigest md5, long hashedBlocks,
            String objectKey, String planKey, Claim claim) throws IOException {
        List<Piece> pieces = cover(u, segments);
        String md5Hex;
        try {
            if (hashedBlocks < u.totalBlocks) {
                try (InputStream in = read(pieces, hashedBlocks * u.blockSize(), u.size())) {
                    byte[] buf = new byte[1 << 16];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        md5.update(buf, 0, n);
                    }
                }
            }
            md5Hex = HexFormat.of().formatHex(md5.digest());
        } catch (java.io.UncheckedIOException e) {
            return completedElsewhere(u, objectKey, e.getCause());
        }
        renew(claim, u.key);
        long modified = System.currentTimeMillis();
        String uploadId = call("starting to publish \"" + u.key + "\"", () -> s3.createMultipartUpload(b -> b
                .bucket(bucket).key(objectKey).metadata(metadata(u.key, md5Hex, modified, u.plan.text())))).uploadId();
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long slotBytes = u.slotBlocks * u.blockSize();
            int number = 1;
            for (long a = 0; a < u.size(); a += slotBytes, number++) {
                renew(claim, u.key);
                long from = a;
                long to = Math.min(u.size(), a + slotBytes);
                int partNumber = number;
                Piece whole = pieces.stream().filter(p -> p.fileOffset() == from && p.length() == to - from
                        && p.offset() == 0 && p.objectBytes() == p.length()).findFirst().orElse(null);
                String etag;
                if (whole != null) {
                    etag = call("copying a part of \"" + u.key + "\"", () -> s3.uploadPartCopy(b -> b
                            .sourceBucket(bucket).sourceKey(whole.objectKey()).destinationBucket(bucket)
                            .destinationKey(objectKey).uploadId(uploadId).partNumber(partNumber)))
                            .copyPartResult().eTag();
                } else {
                    etag = call("writing a part of \"" + u.key + "\"", () -> s3.uploadPart(b -> b.bucket(bucket)
                            .key(objectKey).uploadId(uploadId).partNumber(partNumber).contentLength(to - from),
                            RequestBody.fromContentProvider(() -> read(pieces, from, to), to - from,
                                    "application/octet-stream"))).eTag();
                }
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            }
            renew(claim, u.key);
            if (head(planKey).isEmpty()) {
                throw new UploadRestartedException(u.key); // deleted or reset while being assembled
            }
            statChanged(u.user, u.key);
            CompleteMultipartUploadResponse done = call("publishing \"" + u.key + "\"", () -> s3.completeMultipartUpload(
                    b -> b.bucket(bucket).key(objectKey).uploadId(uploadId).multipartUpload(m -> m.parts(parts))));
            completed = true;
            statChanged(u.user, u.key);
            // The answer of a completion can be an error inside a 200: check what the key holds now.
            if (done.eTag() == null) {
                throw new StorageException("The object store did not confirm the publication of \"" + u.key
                        + "\" (no ETag in its answer). Upload the file again.");
            }
            HeadObjectResponse h = head(objectKey).orElseThrow(() -> new StorageException("\"" + u.key
                    + "\" is not in the object store after its publication. Upload the file again."));
            if (u.plan.text().equals(h.metadata().get(META_UPLOAD))
                    && (h.contentLength() != u.size() || !md5Hex.equals(h.metadata().get(META_MD5)))) {
                throw new StorageException("The object store holds " + h.contentLength() + " bytes for \"" + u.key
                        + "\" after its publication, not " + u.size() + ". Upload the file again.");
            }
        } catch (IOException | RuntimeException e) {
            Throwable cause = e instanceof java.io.UncheckedIOException un ? un.getCause() : e;
            if (cause instanceof UploadRestartedException r) {
                throw r;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            return completedElsewhere(u, objectKey, cause);
        } finally {
            if (!completed) {
                abortQuietly(objectKey, uploadId);
            }
        }
        deleteAll(withBlocks(u, planKey));
        return new StoredFile(u.key, u.size(), md5Hex, modified);
    }

    private void deleteQuietly(String objectKey) {
        try {
            call("deleting " + objectKey, () -> s3.deleteObject(b -> b.bucket(bucket).key(objectKey)));
        } catch (StorageException e) {
            warnings.accept(objectKey + " could not be deleted (" + e.getMessage() + "); the sweep removes it.");
        }
    }

    private static void sleepBriefly(long millis) throws StorageException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("Interrupted while waiting for the object store.", e);
        }
    }

    private List<String> withBlocks(S3Upload u, String planKey) throws StorageException {
        List<String> doomed = new ArrayList<>(keysUnder(keys.blocksOf(u.user, u.key, u.plan.text())));
        doomed.add(planKey);
        return doomed;
    }

    /** After a failed assembly: the file another server published from the same plan, or the failure. */
    private StoredFile completedElsewhere(S3Upload u, String objectKey, Throwable failure) throws IOException {
        StoredFile other = publishedAs(u, objectKey);
        if (other != null) {
            return other;
        }
        throw failure instanceof IOException io ? io
                : new StorageException("Publishing \"" + u.key + "\" failed: " + failure, failure);
    }

    /** The file published from this upload's plan (by any server), or null. */
    StoredFile publishedFrom(S3Upload u) throws StorageException {
        return publishedAs(u, keys.file(u.user, u.key));
    }

    private StoredFile publishedAs(S3Upload u, String objectKey) throws StorageException {
        statChanged(u.user, u.key);
        Optional<HeadObjectResponse> h = head(objectKey);
        if (h.isPresent() && u.plan.text().equals(h.get().metadata().get(META_UPLOAD))) {
            return toStoredFile(u.key, h.get());
        }
        return null;
    }

    private void abortQuietly(String objectKey, String uploadId) {
        try {
            call("abandoning a publication", () -> s3.abortMultipartUpload(b -> b.bucket(bucket).key(objectKey)
                    .uploadId(uploadId)));
        } catch (StorageException e) {
            warnings.accept("A multipart upload of " + objectKey + " could not be aborted (" + e.getMessage()
                    + "); the sweep or the bucket's AbortIncompleteMultipartUpload rule will remove it.");
        }
    }

    // ---- background work

    private void writeIdleWindows() {
        for (S3Upload u : sessions.values()) {
            try {
                if (u.writeIdle(IDLE_WRITE_NANOS) && !u.isClosed()) {
                    // Blocks of one upload may arrive at several servers (connections spread by a load
                    // balancer): the one whose write makes the set whole publishes the file.
                    u.learnStored(listSegments(u.user, u.key, u.plan));
                    if (u.allHeld()) {
                        heads.submit(() -> {
                            try {
                                u.complete();
                            } catch (IOException | RuntimeException e) {
                                warnings.accept("Publishing \"" + u.key + "\" failed: " + e.getMessage());
                            }
                        });
                    }
                }
                if (!u.isClosed() && System.nanoTime() - u.lastUsedNanos() > IDLE_FORGET_NANOS) {
                    u.writeIdle(0);
                    forget(u);
                    u.abandon();
                }
            } catch (IOException | RuntimeException e) {
                warnings.accept("Writing gathered blocks of \"" + u.key + "\" failed: " + e.getMessage()
                        + "; they will be asked for again.");
            }
        }
    }

    /**
     * Every ten minutes: deletes the plans (and blocks) untouched for longer than the upload
     * lifetime, and aborts multipart uploads that a server left when it died while publishing.
     */
    @Override
    public void housekeeping() {
        if (System.nanoTime() - lastSweepNanos < SWEEP_EVERY.toNanos()) {
            return;
        }
        lastSweepNanos = System.nanoTime();
        sweep();
    }

    /** Deletes expired uploads and aborts stale multipart uploads now; returns how many plans were deleted. */
    public int sweep() {
        int deleted = 0;
        Instant oldest = Instant.now().minus(uploadTtl);
        try {
            for (String planKey : keysUnder(keys.allPlans())) {
                if (PlanId.parse(planKey) == null) {
                    continue;
                }
                String blocks = keys.blocksOfPlan(planKey);
                Instant last = head(planKey).map(HeadObjectResponse::lastModified).orElse(null);
                if (last == null) {
                    continue;
                }
                List<String> doomed = new ArrayList<>();
                boolean fresh = last.isAfter(oldest);
                for (S3Object o : listAll(blocks, null)) {
                    doomed.add(o.key());
                    fresh |= o.lastModified().isAfter(oldest);
                }
                if (!fresh) {
                    doomed.add(planKey);
                    deleteAll(doomed);
                    deleted++;
                }
            }
            // Blocks whose plan is gone (a server died between deleting a plan and its blocks, or wrote a
            // window just after its upload was deleted): removed once they are an hour old.
            Instant orphanAge = Instant.now().minus(Duration.ofHours(1));
            String blocksRoot = keys.prefix() + "blocks/";
            List<String> orphans = new ArrayList<>();
            Map<String, Boolean> planExists = new HashMap<>();
            for (S3Object o : listAll(blocksRoot, null)) {
                if (o.lastModified().isAfter(orphanAge)) {
                    continue;
                }
                String planPath = o.key().substring(blocksRoot.length(), o.key().lastIndexOf('/'));
                boolean exists = planExists.computeIfAbsent(planPath, p -> {
                    try {
                        return head(keys.allPlans() + p).isPresent();
                    } catch (StorageException e) {
                        return true; // unknown: keep
                    }
                });
                if (!exists) {
                    orphans.add(o.key());
                    if (orphans.size() >= 1000) {
                        deleteAll(orphans);
                        orphans.clear();
                    }
                }
                if (planExists.size() > MAX_STATS) {
                    planExists.clear();
                }
            }
            deleteAll(orphans);
            // Completion claims whose plan is gone (their holder died after deleting the plan): an hour old.
            List<String> doneClaims = new ArrayList<>();
            for (S3Object o : listAll(keys.allClaims(), null)) {
                if (o.lastModified().isBefore(orphanAge) && head(keys.planOfClaim(o.key())).isEmpty()) {
                    doneClaims.add(o.key());
                }
            }
            deleteAll(doneClaims);
            Instant stale = Instant.now().minus(STALE_MULTIPART);
            for (MultipartUpload m : call("listing multipart uploads", () -> s3.listMultipartUploadsPaginator(
                    b -> b.bucket(bucket).prefix(keys.prefix()))).uploads()) {
                if (m.initiated() != null && m.initiated().isBefore(stale)) {
                    abortQuietly(m.key(), m.uploadId());
                }
            }
        } catch (IOException | RuntimeException e) {
            warnings.accept("Sweeping expired uploads in " + where + " failed: " + e.getMessage() + "; it is tried again later.");
        }
        return deleted;
    }

    // ---- accounts

    /** The accounts as last agreed with the bucket (read from it or written to it); null before the first sync. */
    private volatile byte[] accountsSynced;

    /**
     * Keeps the local accounts file and the shared one ({@code accounts.json} in the bucket) the
     * same. The bucket's copy wins, except over a local change made since the last sync (a user
     * added with {@code fita-server user add --root} on this server's root) when the bucket's copy
     * has not changed meanwhile: that change is shared, with a conditional write so that two
     * servers' changes never overwrite each other silently. A bucket without accounts takes the
     * local ones. Returns whether the local file changed.
     */
    public boolean pullAccounts(Path localFile) throws IOException {
        String objectKey = keys.accounts();
        byte[] local = Files.exists(localFile) ? Files.readAllBytes(localFile) : null;
        software.amazon.awssdk.core.ResponseBytes<software.amazon.awssdk.services.s3.model.GetObjectResponse> got;
        try {
            got = call("reading the accounts", () -> s3.getObject(b -> b.bucket(bucket).key(objectKey),
                    ResponseTransformer.toBytes()));
        } catch (StorageException e) {
            if (!notFound(e)) {
                throw e;
            }
            if (local != null) {
                shareAccounts(objectKey, local, null);
            }
            return false;
        }
        byte[] remote = got.asByteArray();
        byte[] synced = accountsSynced;
        if (local != null && synced != null && !java.util.Arrays.equals(local, synced)
                && !java.util.Arrays.equals(local, remote)) {
            if (java.util.Arrays.equals(remote, synced)) {
                shareAccounts(objectKey, local, got.response().eTag());
                return false;
            }
            warnings.accept("The accounts were changed on this server and on another at the same time; the other"
                    + " server's change is kept. Make this server's change again.");
        }
        accountsSynced = remote;
        if (local != null && java.util.Arrays.equals(local, remote)) {
            return false;
        }
        Path tmp = localFile.resolveSibling(localFile.getFileName() + ".s3tmp");
        org.fita.server.storage.PrivateFiles.write(tmp, remote);
        Files.move(tmp, localFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    private void shareAccounts(String objectKey, byte[] local, String ifMatch) throws StorageException {
        try {
            call("sharing the accounts", () -> s3.putObject(b -> {
                b.bucket(bucket).key(objectKey).contentType("application/json");
                if (ifMatch == null) {
                    b.ifNoneMatch("*");
                } else {
                    b.ifMatch(ifMatch);
                }
            }, RequestBody.fromBytes(local)));
            accountsSynced = local;
        } catch (StorageException raced) {
            if (!preconditionFailed(raced) && !conditionalConflict(raced)) {
                throw raced;
            }
            // Another server wrote first: its accounts come back with the next sync.
        }
    }

    /** Refreshes {@code localFile} from the shared accounts every few seconds. */
    public void keepAccountsIn(Path localFile) {
        background.scheduleWithFixedDelay(() -> {
            try {
                pullAccounts(localFile);
            } catch (IOException | RuntimeException e) {
                warnings.accept("The shared accounts could not be read (" + e.getMessage()
                        + "); the last copy stays in use.");
            }
        }, ACCOUNTS_EVERY_MS, ACCOUNTS_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * For tests: forgets every block gathered in memory, as if the process had been killed.
     */
    void loseMemory() {
        for (S3Upload u : sessions.values()) {
            u.abandon();
        }
        sessions.clear();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        background.shutdownNow();
        try {
            background.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // A stopping server writes what it gathered, so that another one can go on from it.
        for (S3Upload u : sessions.values()) {
            try {
                u.writeIdle(-1);
            } catch (IOException | RuntimeException e) {
                warnings.accept("Gathered blocks of \"" + u.key + "\" could not be written at stop: " + e.getMessage());
            }
            u.abandon();
        }
        sessions.clear();
        closed = true;
        heads.shutdownNow();
        s3.close();
    }
}
