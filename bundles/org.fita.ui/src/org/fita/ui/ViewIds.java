package org.fita.ui;

/** The ids of FiTA's views, as plugin.xml declares them; the perspective and the tests use them too. */
public final class ViewIds {
    private ViewIds() {
    }

    public static final String LOCAL_SERVER = "org.fita.ui.views.localServer";
    public static final String CLIENT_EXPLORER = "org.fita.ui.views.clientExplorer";
    public static final String TRANSFERS = "org.fita.ui.views.transfers";
    public static final String MESSAGES = "org.fita.ui.views.messages";
}
