package org.fita.ui.explorer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.eclipse.jface.resource.LocalResourceManager;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.ILazyContentProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.jface.viewers.Viewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.fita.protocol.Untrusted;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.view.RemoteEntry;
import org.fita.transfer.view.RemoteFiles.Column;
import org.fita.transfer.view.RemoteFolders;
import org.fita.ui.ColumnFit;
import org.fita.ui.Formats;
import org.fita.ui.Images;

/**
 * The remote files as a virtual table of the current folder's rows ({@link RemoteFolders#view}):
 * sub-folders, then files; a filter searches the whole listing instead. Rows are created only
 * when they become visible, so tens of thousands of entries stay smooth. Grouping, filtering and
 * sorting happen on the list because a lazy viewer cannot sort or filter itself.
 */
final class RemoteFileTable {
    private static final Set<String> TEXT = Set.of("txt", "md", "csv", "json", "xml", "html", "log", "java", "py",
            "c", "h", "js", "ts", "yaml", "yml", "properties", "ini", "conf", "sh");
    private static final Set<String> IMAGES = Set.of("png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "tif",
            "tiff", "ico");
    private static final Set<String> ARCHIVES = Set.of("zip", "jar", "gz", "tgz", "bz2", "xz", "7z", "rar", "tar",
            "zst");

    final TableViewer viewer;
    private final Image fileImage;
    private final Image textImage;
    private final Image imageImage;
    private final Image archiveImage;
    private final Image folderImage;
    private List<RemoteFile> all = List.of();
    private String folder = RemoteFolders.ROOT;
    private List<RemoteEntry> shown = List.of();
    private String filter = "";
    private Column sortColumn = Column.NAME;
    private boolean ascending = true;
    private Runnable onChange = () -> { };

    RemoteFileTable(Composite parent, LocalResourceManager resources) {
        fileImage = resources.create(Images.descriptor("file.png"));
        textImage = resources.create(Images.descriptor("file_text.png"));
        imageImage = resources.create(Images.descriptor("file_image.png"));
        archiveImage = resources.create(Images.descriptor("file_archive.png"));
        folderImage = resources.create(Images.descriptor("folder.png"));
        viewer = new TableViewer(parent, SWT.VIRTUAL | SWT.MULTI | SWT.FULL_SELECTION | SWT.BORDER);
        viewer.setUseHashlookup(true);
        Table table = viewer.getTable();
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        viewer.setContentProvider(new ILazyContentProvider() {
            @Override
            public void updateElement(int index) {
                if (index < shown.size()) {
                    viewer.replace(shown.get(index), index);
                }
            }

            @Override
            public void inputChanged(Viewer v, Object oldInput, Object newInput) {
                // The input is the shown list itself; updateElement reads it.
            }
        });
        TableViewerColumn name = column("Name", 220, SWT.LEFT, Column.NAME, RemoteEntry::name);
        name.setLabelProvider(new ColumnLabelProvider() {
            @Override
            public String getText(Object element) {
                // A server's key may hold control or bidi characters that would hide or spoof names.
                return Untrusted.visible(((RemoteEntry) element).name());
            }

            @Override
            public Image getImage(Object element) {
                return element instanceof RemoteEntry.Folder ? folderImage : iconFor(((RemoteEntry) element).key());
            }
        });
        column("Size", 90, SWT.RIGHT, Column.SIZE, row -> Formats.bytes(row.size()));
        column("Modified", 145, SWT.LEFT, Column.MODIFIED, row -> Formats.dateTime(row.modified()));
        column("MD5", 250, SWT.LEFT, Column.MD5, row -> Untrusted.visible(md5Text(row)));
        ColumnFit.fit(viewer.getTable(), name.getColumn(), 120);
        show();
    }

    /** A file's MD5; for a folder, how many files it holds. */
    private static String md5Text(RemoteEntry row) {
        if (row instanceof RemoteEntry.Folder folder) {
            return folder.files().size() + (folder.files().size() == 1 ? " file" : " files");
        }
        return ((RemoteEntry.File) row).file().md5();
    }

    private TableViewerColumn column(String title, int width, int style, Column sortBy, Function<RemoteEntry, String> text) {
        TableViewerColumn column = new TableViewerColumn(viewer, style);
        TableColumn c = column.getColumn();
        c.setText(title);
        c.setWidth(width);
        c.setData(sortBy);
        c.addListener(SWT.Selection, e -> sortBy(sortBy));
        column.setLabelProvider(new ColumnLabelProvider() {
            @Override
            public String getText(Object element) {
                return text.apply((RemoteEntry) element);
            }
        });
        return column;
    }

    private Image iconFor(String key) {
        int dot = key.lastIndexOf('.');
        String extension = dot > key.lastIndexOf('/') ? key.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
        if (TEXT.contains(extension)) {
            return textImage;
        }
        if (IMAGES.contains(extension)) {
            return imageImage;
        }
        return ARCHIVES.contains(extension) ? archiveImage : fileImage;
    }

    /** Called after the shown rows change (new listing, folder, filter, sort). */
    void onChange(Runnable listener) {
        this.onChange = listener;
    }

    /** A new listing; the folder shown stays while a file lies under it, else its nearest ancestor that holds one. */
    void setFiles(List<RemoteFile> files) {
        all = List.copyOf(files);
        folder = RemoteFolders.nearestExisting(all, folder);
        show();
    }

    /** Shows {@code prefix} ("" for the root, else ending in '/'), with the row {@code selectKey} selected if shown. */
    void setFolder(String prefix, String selectKey) {
        folder = prefix;
        viewer.getTable().deselectAll();
        show();
        int index = selectKey == null ? -1 : shownKeys().indexOf(selectKey);
        if (index >= 0) {
            viewer.getTable().setSelection(index);
            selectionChanged();
        }
    }

    /** Tells the viewer, and through it the commands' enablement, that the selection was changed by code. */
    private void selectionChanged() {
        viewer.getTable().notifyListeners(SWT.Selection, new Event());
    }

    String folder() {
        return folder;
    }

    boolean isFiltering() {
        return !filter.isBlank();
    }

    void setFilter(String text) {
        filter = text == null ? "" : text;
        show();
    }

    /** Sorts by {@code column}; the same column again reverses the order. */
    void sortBy(Column column) {
        ascending = column != sortColumn || !ascending;
        sortColumn = column;
        show();
    }

    /** Shows the folder's rows (or the search's), sorted; the rows selected before stay selected where still shown. */
    private void show() {
        Set<String> selectedKeys = new HashSet<>();
        selection().forEach(row -> selectedKeys.add(row.key()));
        shown = RemoteFolders.view(all, folder, filter, sortColumn, ascending);
        Table table = viewer.getTable();
        for (TableColumn c : table.getColumns()) {
            if (c.getData() == sortColumn) {
                table.setSortColumn(c);
            }
        }
        table.setSortDirection(ascending ? SWT.UP : SWT.DOWN);
        table.deselectAll();
        viewer.setInput(shown);
        viewer.setItemCount(shown.size());
        table.clearAll();
        table.deselectAll();
        if (!selectedKeys.isEmpty()) {
            List<Integer> indices = new ArrayList<>();
            for (int i = 0; i < shown.size(); i++) {
                if (selectedKeys.contains(shown.get(i).key())) {
                    indices.add(i);
                }
            }
            table.select(indices.stream().mapToInt(Integer::intValue).toArray());
        }
        selectionChanged();
        onChange.run();
    }

    List<RemoteFile> all() {
        return all;
    }

    List<RemoteEntry> shown() {
        return shown;
    }

    List<String> shownKeys() {
        return shown.stream().map(RemoteEntry::key).toList();
    }

    /** The selected rows; read by index, so that rows never scrolled into view count too. */
    List<RemoteEntry> selection() {
        List<RemoteEntry> selected = new ArrayList<>();
        for (int index : viewer.getTable().getSelectionIndices()) {
            if (index < shown.size()) {
                selected.add(shown.get(index));
            }
        }
        return selected;
    }
}
