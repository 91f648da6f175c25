package org.fita.ui.messages;

import java.util.List;

/** The Messages view's rows, for the tests in other packages. */
public record MessagesProbe(MessagesView view) {
    /** The texts of the messages the view shows, oldest first. */
    public List<String> texts() {
        return view.texts();
    }
}
