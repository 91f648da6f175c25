package org.fita.ui.explorer;

/** The explorer's Refresh and Delete as their commands run them, for tests in other packages. */
public record ExplorerProbeCommands(ExplorerProbe explorer) {
    public void refresh() {
        explorer.view().refresh();
    }

    public void delete() {
        explorer.view().delete(explorer.view().selectedRows());
    }
}
