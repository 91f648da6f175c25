package org.fita.transfer.view;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.fita.protocol.Extensions;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.StepException.NotFoundException;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;

/** Questions about sets of remote files: which keys exist, and a filtered, sorted view of a listing. */
public final class RemoteFiles {
    private RemoteFiles() {
    }

    /** What a listing can be sorted by; folders ({@link RemoteFolders}) sort by file count in the MD5 column. */
    public enum Column {
        NAME(Comparator.comparing(RemoteFile::key), Comparator.comparing(RemoteEntry.Folder::key)),
        SIZE(Comparator.comparingLong(RemoteFile::size), Comparator.comparingLong(RemoteEntry.Folder::size)),
        MODIFIED(Comparator.comparingLong(RemoteFile::modified), Comparator.comparingLong(RemoteEntry.Folder::modified)),
        MD5(Comparator.comparing(RemoteFile::md5), Comparator.comparingInt(folder -> folder.files().size()));

        private final Comparator<RemoteFile> order;
        final Comparator<RemoteEntry.Folder> folderOrder;

        Column(Comparator<RemoteFile> order, Comparator<RemoteEntry.Folder> folderOrder) {
            this.order = order;
            this.folderOrder = folderOrder;
        }
    }

    /**
     * The files whose key matches {@code filter}, sorted by {@code column} (then by key). The
     * filter is a case-insensitive substring, or a glob when it holds '*' or '?'; blank keeps all.
     */
    public static List<RemoteFile> view(Collection<RemoteFile> files, String filter, Column column, boolean ascending) {
        Predicate<String> matches = matcher(filter);
        Comparator<RemoteFile> order = column.order.thenComparing(RemoteFile::key);
        List<RemoteFile> result = new ArrayList<>(files.size());
        for (RemoteFile f : files) {
            if (matches.test(f.key())) {
                result.add(f);
            }
        }
        result.sort(ascending ? order : order.reversed());
        return result;
    }

    static Predicate<String> matcher(String filter) {
        if (filter == null || filter.isBlank()) {
            return key -> true;
        }
        String wanted = filter.trim().toLowerCase(Locale.ROOT);
        if (wanted.indexOf('*') < 0 && wanted.indexOf('?') < 0) {
            return key -> key.toLowerCase(Locale.ROOT).contains(wanted);
        }
        StringBuilder regex = new StringBuilder();
        for (String part : wanted.split("(?=[*?])|(?<=[*?])")) {
            regex.append(switch (part) {
                case "*" -> ".*";
                case "?" -> ".";
                default -> Pattern.quote(part);
            });
        }
        Pattern glob = Pattern.compile(regex.toString(), Pattern.DOTALL);
        return key -> glob.matcher(key.toLowerCase(Locale.ROOT)).matches();
    }

    /**
     * Which of {@code keys} name finished files on the server: one listing where the server has
     * LIST, one lookup per key on a classic server.
     */
    public static Set<String> existing(StepSession session, Collection<String> keys) throws StepException {
        Set<String> found = new LinkedHashSet<>();
        if (keys.isEmpty()) {
            return found;
        }
        if (session.capabilities().has(Extensions.LIST)) {
            Set<String> wanted = new HashSet<>(keys);
            for (RemoteFile f : session.list(null)) {
                if (wanted.contains(f.key())) {
                    found.add(f.key());
                }
            }
            return found;
        }
        for (String key : keys) {
            try {
                session.stat(key);
                found.add(key);
            } catch (NotFoundException e) {
                // Not there: no conflict.
            }
        }
        return found;
    }
}
