package org.fita.ui.explorer;

import org.fita.transfer.WhenExists;

/** The answers to "the destination exists". */
enum ConflictChoice {
    OVERWRITE("Overwrite"),
    SKIP("Skip"),
    RENAME("Rename"),
    RESUME("Resume");

    final String label;

    ConflictChoice(String label) {
        this.label = label;
    }

    /** How the transfer treats its destination; SKIP and RENAME never reach one that exists. */
    WhenExists whenExists() {
        return switch (this) {
            case OVERWRITE -> WhenExists.OVERWRITE;
            case RESUME -> WhenExists.KEEP_IDENTICAL;
            default -> WhenExists.FAIL;
        };
    }
}
