package org.fita.transfer.tasks;

import java.util.function.Predicate;

/** Picks a name that is not taken yet, for "rename" answers: {@code photos/cat (1).jpg}. */
public final class FreeNames {
    private FreeNames() {
    }

    /**
     * The first of {@code name}, {@code name (1)}, {@code name (2)}, ... that {@code taken} refuses;
     * the number goes before the last extension of the last '/' segment.
     */
    public static String next(String name, Predicate<String> taken) {
        if (!taken.test(name)) {
            return name;
        }
        int slash = name.lastIndexOf('/');
        int dot = name.lastIndexOf('.');
        // A leading dot (".profile") is part of the name, not an extension.
        boolean hasExtension = dot > slash + 1;
        String stem = hasExtension ? name.substring(0, dot) : name;
        String extension = hasExtension ? name.substring(dot) : "";
        for (int n = 1;; n++) {
            String candidate = stem + " (" + n + ")" + extension;
            if (!taken.test(candidate)) {
                return candidate;
            }
        }
    }
}
