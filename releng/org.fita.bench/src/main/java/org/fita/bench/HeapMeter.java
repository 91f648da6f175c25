package org.fita.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Heap use of this JVM between {@link #reset()} and {@link #snapshot()}: the peak of the heap pools,
 * and the largest heap left after a collection (the live data the work really needed); and the
 * memory of direct buffers outside the heap, the most seen at a collection or the snapshot.
 */
final class HeapMeter {
    private final List<MemoryPoolMXBean> heapPools;
    private final Set<String> heapPoolNames;
    private final AtomicLong maxAfterGc = new AtomicLong(-1);
    private final AtomicLong maxDirect = new AtomicLong();
    private final BufferPoolMXBean directPool = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(p -> p.getName().equals("direct")).findFirst().orElse(null);

    /**
     * @param peakUsed   sum of the heap pools' peaks: an upper bound, as the pools may peak at different moments
     * @param liveAfterGc largest heap in use just after a collection, or -1 if none ran
     * @param max        the heap limit (-Xmx)
     * @param direct      the most memory seen in direct buffers
     */
    record Snapshot(long peakUsed, long liveAfterGc, long max, long direct) {
        String toLine() {
            return peakUsed + " " + liveAfterGc + " " + max + " " + direct;
        }

        static Snapshot parse(String line) {
            String[] f = line.trim().split(" ");
            return new Snapshot(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
        }

        Snapshot max(Snapshot other) {
            return other == null ? this : new Snapshot(Math.max(peakUsed, other.peakUsed),
                    Math.max(liveAfterGc, other.liveAfterGc), Math.max(max, other.max), Math.max(direct, other.direct));
        }
    }

    HeapMeter() {
        heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heapPoolNames = heapPools.stream().map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((n, handback) -> collected(n), n -> n.getType()
                        .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION), null);
            }
        }
    }

    private void collected(Notification notification) {
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                (CompositeData) notification.getUserData());
        // The collection that reset() asks for measures the previous scenario's leftovers, not this one.
        if ("System.gc()".equals(info.getGcCause())) {
            return;
        }
        long live = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                .filter(e -> heapPoolNames.contains(e.getKey()))
                .mapToLong(e -> e.getValue().getUsed()).sum();
        maxAfterGc.accumulateAndGet(live, Math::max);
        sampleDirect();
    }

    private void sampleDirect() {
        if (directPool != null) {
            maxDirect.accumulateAndGet(directPool.getMemoryUsed(), Math::max);
        }
    }

    /** Starts a new measurement from a collected heap. */
    void reset() {
        System.gc();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        maxAfterGc.set(-1);
        maxDirect.set(0);
        sampleDirect();
    }

    Snapshot snapshot() {
        long peak = heapPools.stream().map(MemoryPoolMXBean::getPeakUsage).mapToLong(MemoryUsage::getUsed).sum();
        sampleDirect();
        return new Snapshot(peak, maxAfterGc.get(), Runtime.getRuntime().maxMemory(), maxDirect.get());
    }
}
