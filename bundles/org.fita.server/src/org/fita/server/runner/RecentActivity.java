package org.fita.server.runner;

import java.util.ArrayDeque;
import java.util.List;
import org.fita.server.RequestEvent;
import org.fita.server.ServerListener;

/**
 * The last requests and log lines of a runner's servers, kept across restarts, so that a view
 * opened late (or reopened) shows what happened before it. Bounded; thread-safe.
 */
public final class RecentActivity implements ServerListener {
    private final int maxRequests;
    private final int maxLines;
    private final ArrayDeque<RequestEvent> requests = new ArrayDeque<>();
    private final ArrayDeque<String> lines = new ArrayDeque<>();

    public RecentActivity(int maxRequests, int maxLines) {
        this.maxRequests = maxRequests;
        this.maxLines = maxLines;
    }

    @Override
    public synchronized void requestHandled(RequestEvent event) {
        add(requests, event, maxRequests);
    }

    @Override
    public synchronized void logged(String line) {
        add(lines, line, maxLines);
    }

    private static <T> void add(ArrayDeque<T> deque, T item, int max) {
        deque.addLast(item);
        while (deque.size() > max) {
            deque.removeFirst();
        }
    }

    /** The kept requests, oldest first. */
    public synchronized List<RequestEvent> requests() {
        return List.copyOf(requests);
    }

    /** The kept log lines, oldest first. */
    public synchronized List<String> logLines() {
        return List.copyOf(lines);
    }

    public int maxRequests() {
        return maxRequests;
    }

    public int maxLines() {
        return maxLines;
    }
}
