package org.fita.ui.explorer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.equinox.security.storage.StorageException;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.action.Separator;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.jface.resource.LocalResourceManager;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.DND;
import org.eclipse.swt.dnd.DragSource;
import org.eclipse.swt.dnd.DropTarget;
import org.eclipse.swt.dnd.FileTransfer;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;
import org.eclipse.swt.widgets.ToolBar;
import org.eclipse.swt.widgets.ToolItem;
import org.eclipse.ui.IWorkbenchActionConstants;
import org.eclipse.ui.contexts.IContextService;
import org.eclipse.ui.part.ViewPart;
import org.fita.protocol.CertificateFingerprint;
import org.fita.protocol.Untrusted;
import org.fita.server.runner.ServerRunner;
import org.fita.server.runner.ServerStatus;
import org.fita.transfer.RemoteFile;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepException.UnsupportedException;
import org.fita.transfer.StepException;
import org.fita.transfer.StepSession;
import org.fita.transfer.StorageUsage;
import org.fita.transfer.TransferInfo;
import org.fita.transfer.tasks.TransferService;
import org.fita.transfer.tasks.TransferTask;
import org.fita.transfer.trust.ConnectionSecurity;
import org.fita.transfer.trust.KnownServers;
import org.fita.transfer.trust.ServerIdentityException;
import org.fita.transfer.trust.TlsInfo;
import org.fita.transfer.view.RemoteEntry;
import org.fita.transfer.view.RemoteFolders;
import org.fita.ui.Formats;
import org.fita.ui.Images;
import org.fita.ui.Services;
import org.fita.ui.UiBatcher;
import org.fita.ui.UiThread;
import org.fita.ui.messages.ClientLog;
import org.fita.ui.preferences.FitaPreferences;
import org.fita.ui.preferences.PasswordStore;
import org.fita.ui.preferences.RecentConnection;
import org.fita.ui.security.CertificateChangedDialog;
import org.fita.ui.security.SecurityStatusItem;
import org.fita.ui.security.TlsText;
import org.fita.ui.transfers.TransferJob;
import org.fita.ui.transfers.TransferRestorer;

/**
 * A STEP server's files: connect, list (filter, sort), upload, download, delete, copy keys and
 * MD5s, drag and drop. Keys' '/' separate folders: the table shows one folder at a time, and an
 * operation on a folder row acts on every file under it. A classic server cannot list; the view
 * then shows what this workbench uploaded and says why. Network work runs in jobs; results come
 * back on the UI thread.
 */
public final class ClientExplorerView extends ViewPart {
    /** The context that activates the explorer's key bindings while it is the active part. */
    static final String CONTEXT_ID = "org.fita.ui.explorerContext";
    private static final int REFRESH_AFTER_UPLOAD_MILLIS = 400;

    private TransferService service;
    private TransferStarter starter;
    private LocalResourceManager resources;
    private TransferService.Listener uploadsListener;
    ExplorerDragListener dragListener;
    private StepSession session;
    private boolean draggingOut;
    private boolean passwordFromStore;
    /** What the session's TLS negotiated, or null while not connected over TLS. */
    private TlsInfo security;
    SecurityStatusItem securityItem;

    Combo hostCombo;
    Label lockLabel;
    Button tlsCheck;
    Text portText;
    Text userText;
    Text passwordText;
    Button rememberCheck;
    Button connectButton;
    Button localServerButton;
    Text filterText;
    Label countLabel;
    ToolBar pathBar;
    private String pathBarFolder;
    RemoteFileTable table;
    Label statusLabel;
    ExplorerDropListener dropListener;

    @Override
    public void createPartControl(Composite parent) {
        service = Services.get(getSite(), TransferService.class);
        starter = new TransferStarter(this, service);
        resources = new LocalResourceManager(JFaceResources.getResources(), parent);
        GridLayoutFactory.fillDefaults().margins(4, 4).applyTo(parent);
        createConnectionBar(parent);
        securityItem = new SecurityStatusItem(lockLabel.getImage());
        getViewSite().getActionBars().getStatusLineManager().add(securityItem);

        Composite filterRow = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).applyTo(filterRow);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(filterRow);
        filterText = new Text(filterRow, SWT.SEARCH | SWT.ICON_SEARCH | SWT.ICON_CANCEL);
        filterText.setMessage("Search every folder: text, or a glob such as photos/*.jpg");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(filterText);
        filterText.addListener(SWT.Modify, e -> table.setFilter(filterText.getText()));
        countLabel = new Label(filterRow, SWT.NONE);
        GridDataFactory.fillDefaults().hint(160, SWT.DEFAULT).align(SWT.END, SWT.CENTER).applyTo(countLabel);

        pathBar = new ToolBar(parent, SWT.FLAT | SWT.WRAP | SWT.RIGHT);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(pathBar);

        table = new RemoteFileTable(parent, resources);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(table.viewer.getControl());
        table.onChange(() -> {
            updateCount();
            updatePathBar();
        });
        statusLabel = new Label(parent, SWT.WRAP);
        GridDataFactory.fillDefaults().grab(true, false).hint(200, SWT.DEFAULT).applyTo(statusLabel);

        getSite().setSelectionProvider(table.viewer);
        MenuManager menu = new MenuManager();
        menu.add(new Separator(IWorkbenchActionConstants.MB_ADDITIONS));
        table.viewer.getControl().setMenu(menu.createContextMenu(table.viewer.getControl()));
        getSite().registerContextMenu(menu, table.viewer);
        // Double-click or Enter: a folder opens, a file's key is copied.
        table.viewer.getTable().addListener(SWT.DefaultSelection, e -> openSelected());
        // Backspace here only: bound as a command it would also fire while typing in the fields.
        table.viewer.getTable().addListener(SWT.KeyDown, e -> {
            if (e.keyCode == SWT.BS && (e.stateMask & SWT.MODIFIER_MASK) == 0) {
                up();
            }
        });
        getSite().getService(IContextService.class).activateContext(CONTEXT_ID);
        createDragAndDrop();

        UiBatcher<TransferTask> verifiedUploads = new UiBatcher<>(parent, REFRESH_AFTER_UPLOAD_MILLIS, batch -> {
            if (batch.stream().anyMatch(this::isOurs)) {
                refresh();
            }
        });
        uploadsListener = new TransferService.Listener() {
            @Override
            public void taskChanged(TransferTask task) {
                if (task.direction() == TransferInfo.Direction.UPLOAD
                        && task.status().state() == TransferTask.State.VERIFIED) {
                    verifiedUploads.offer(task);
                }
            }
        };
        service.addListener(uploadsListener);
        fillDefaults();
        updateCount();
        updatePathBar();
        status("Not connected. Enter a server and press Connect, or use the local server.", false);
    }

    private void createConnectionBar(Composite parent) {
        Composite bar = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(6).applyTo(bar);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(bar);
        new Label(bar, SWT.NONE).setText("Server:");
        // The lock sits before the host, where browsers put theirs; it is there only while connected over TLS.
        Composite hostCell = new Composite(bar, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).spacing(2, 0).applyTo(hostCell);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(hostCell);
        lockLabel = new Label(hostCell, SWT.NONE);
        lockLabel.setImage(resources.create(Images.descriptor("lock.png")));
        GridDataFactory.fillDefaults().align(SWT.CENTER, SWT.CENTER).exclude(true).applyTo(lockLabel);
        lockLabel.setVisible(false);
        hostCombo = new Combo(hostCell, SWT.DROP_DOWN);
        hostCombo.setToolTipText("Host name or address; the list holds recent connections (user@host:port, "
                + "steps://user@host:port over TLS)");
        GridDataFactory.fillDefaults().grab(true, false).hint(120, SWT.DEFAULT).applyTo(hostCombo);
        hostCombo.addListener(SWT.Selection, e -> recentChosen());
        new Label(bar, SWT.NONE).setText("Port:");
        portText = new Text(bar, SWT.BORDER);
        GridDataFactory.fillDefaults().hint(50, SWT.DEFAULT).applyTo(portText);
        tlsCheck = new Button(bar, SWT.CHECK);
        tlsCheck.setText("TLS");
        tlsCheck.setToolTipText("Connect with TLS: encrypted, and the server's identity is checked (the server must "
                + "serve TLS). A server remembered as TLS is always reached over TLS.");
        localServerButton = new Button(bar, SWT.PUSH);
        localServerButton.setText("Local server");
        localServerButton.setImage(resources.create(Images.descriptor("local.png")));
        localServerButton.setToolTipText("Connect to the server running in the Local Server view (127.0.0.1 and its port;"
                + " over TLS when it serves TLS, trusting its own certificate)");
        localServerButton.addListener(SWT.Selection, e -> {
            if (useLocalServer()) {
                connect();
            }
        });
        GridDataFactory.fillDefaults().applyTo(localServerButton);

        new Label(bar, SWT.NONE).setText("User:");
        userText = new Text(bar, SWT.BORDER);
        GridDataFactory.fillDefaults().grab(true, false).hint(90, SWT.DEFAULT).applyTo(userText);
        new Label(bar, SWT.NONE).setText("Password:");
        passwordText = new Text(bar, SWT.BORDER | SWT.PASSWORD);
        passwordText.setMessage("md5(user) if empty");
        passwordText.setToolTipText("Empty: the classic password, md5 of the username");
        GridDataFactory.fillDefaults().hint(90, SWT.DEFAULT).applyTo(passwordText);
        rememberCheck = new Button(bar, SWT.CHECK);
        rememberCheck.setText("Remember");
        rememberCheck.setToolTipText("Keep the password in Eclipse secure storage");
        connectButton = new Button(bar, SWT.PUSH);
        connectButton.setText("Connect");
        connectButton.setImage(resources.create(Images.descriptor("connect.png")));
        connectButton.addListener(SWT.Selection, e -> connect());
        for (Control c : new Control[] {hostCombo, portText, userText, passwordText}) {
            c.addListener(SWT.DefaultSelection, e -> connect());
        }
    }

    private void createDragAndDrop() {
        Control control = table.viewer.getControl();
        DropTarget target = new DropTarget(control, DND.DROP_COPY | DND.DROP_MOVE | DND.DROP_DEFAULT);
        target.setTransfer(FileTransfer.getInstance());
        dropListener = new ExplorerDropListener(this);
        target.addDropListener(dropListener);
        DragSource source = new DragSource(control, DND.DROP_COPY);
        source.setTransfer(new Transfer[] {FileTransfer.getInstance()});
        dragListener = new ExplorerDragListener(this);
        source.addDragListener(dragListener);
    }

    private void fillDefaults() {
        List<RecentConnection> recent = FitaPreferences.recentConnections();
        for (RecentConnection c : recent) {
            hostCombo.add(c.id());
        }
        if (!recent.isEmpty()) {
            show(recent.get(0), false);
            return;
        }
        try {
            ServerAddress server = ServerAddress.parse(FitaPreferences.store().getString(FitaPreferences.DEFAULT_SERVER));
            hostCombo.setText(server.host());
            portText.setText(String.valueOf(server.port()));
        } catch (IllegalArgumentException e) {
            portText.setText(String.valueOf(ServerAddress.DEFAULT_PORT));
        }
        userText.setText(FitaPreferences.store().getString(FitaPreferences.DEFAULT_USER));
    }

    private void recentChosen() {
        RecentConnection.parse(hostCombo.getText()).ifPresent(c -> show(c, true));
    }

    /** Fills the connection fields; an empty password means the classic one, md5(user). */
    public void fill(RecentConnection connection) {
        show(connection, false);
    }

    /** Fills the fields from a recent connection; the stored password only when asked (it may prompt). */
    private void show(RecentConnection c, boolean withPassword) {
        hostCombo.setText(c.server().host());
        portText.setText(String.valueOf(c.server().port()));
        tlsCheck.setSelection(c.tls());
        userText.setText(c.user());
        passwordText.setText("");
        passwordFromStore = false;
        if (withPassword) {
            PasswordStore.load(c).ifPresent(p -> {
                passwordText.setText(p);
                passwordFromStore = true;
            });
        }
        rememberCheck.setSelection(passwordFromStore);
    }

    /**
     * Fills in 127.0.0.1 and the port of the server running in the Local Server view; false (and a
     * message) if none runs.
     */
    public boolean useLocalServer() {
        ServerStatus local = Services.get(getSite(), ServerRunner.class).status();
        if (!local.running()) {
            status("The local server is not running: start it in the Local Server view first.", true);
            return false;
        }
        hostCombo.setText("127.0.0.1");
        portText.setText(String.valueOf(local.address().getPort()));
        tlsCheck.setSelection(local.tlsEnabled()); // its own certificate: trusted without a question
        if (userText.getText().isBlank()) {
            userText.setText(FitaPreferences.store().getString(FitaPreferences.DEFAULT_USER));
        }
        return true;
    }

    /**
     * A server typed or pasted as fita takes it, steps://[user@]host[:port], fills the fields it names
     * and ticks TLS.
     */
    private void takeTlsUrl() {
        String text = hostCombo.getText().trim();
        if (!text.regionMatches(true, 0, RecentConnection.TLS_SCHEME, 0, RecentConnection.TLS_SCHEME.length())) {
            return;
        }
        String rest = text.substring(RecentConnection.TLS_SCHEME.length());
        Optional<RecentConnection> withUser = rest.contains("@") ? RecentConnection.parse(text) : Optional.empty();
        if (withUser.isPresent()) { // the password typed stays
            hostCombo.setText(withUser.get().server().host());
            portText.setText(String.valueOf(withUser.get().server().port()));
            userText.setText(withUser.get().user());
            tlsCheck.setSelection(true);
            return;
        }
        try {
            ServerAddress server = ServerAddress.parse(rest);
            hostCombo.setText(server.host());
            boolean hasPort = rest.contains("]:") || (!rest.startsWith("[") && rest.indexOf(':') >= 0);
            if (hasPort) {
                portText.setText(String.valueOf(server.port()));
            }
        } catch (IllegalArgumentException e) {
            hostCombo.setText(rest); // the connect below says what is wrong with it
        }
        tlsCheck.setSelection(true);
    }

    /** Logs in with the fields' values, in a job. */
    void connect() {
        connect(() -> { });
    }

    /** Logs in with the fields' values, in a job; {@code thenOnSuccess} runs on the UI thread once connected. */
    public void connect(Runnable thenOnSuccess) {
        takeTlsUrl();
        String host = hostCombo.getText().trim();
        boolean tls = tlsCheck.getSelection();
        ServerAddress address;
        try {
            address = new ServerAddress(host, Integer.parseInt(portText.getText().trim()));
        } catch (NumberFormatException e) {
            status("The port must be a number from 1 to 65535.", true);
            return;
        } catch (IllegalArgumentException e) {
            status(e.getMessage(), true);
            return;
        }
        String user = userText.getText().trim();
        String typed = passwordText.getText();
        String password = typed.isEmpty() ? StepSession.classicPassword(user) : typed;
        boolean remember = rememberCheck.getSelection() && !typed.isEmpty();
        boolean forget = passwordFromStore && !rememberCheck.getSelection();
        connectButton.setEnabled(false);
        status("Connecting to " + address + (tls ? " over TLS" : "") + " as \"" + user + "\"...", false);
        ClientLog.command(address, "LOGIN as \"" + user + "\"" + (typed.isEmpty() ? " (classic password)" : "")
                + (tls ? " over TLS" : ""));
        Display display = statusLabel.getDisplay();
        Job.create("Connecting to " + address, (IProgressMonitor monitor) -> {
            try {
                StepSession connected = openSession(address, user, password, tls, display, monitor);
                UiThread.async(statusLabel, () -> {
                    connected(connected, remember ? typed : null, forget);
                    thenOnSuccess.run();
                });
            } catch (ServerIdentityException e) {
                String text = ConnectFailures.identity(e);
                ClientLog.error(address, text);
                UiThread.async(statusLabel, () -> {
                    notConnected(text);
                    if (e.reason() == ServerIdentityException.Reason.CHANGED) {
                        showCertificateChanged(e);
                    }
                });
            } catch (StepException e) {
                String text = ConnectFailures.other(e, address);
                ClientLog.error(address, text);
                UiThread.async(statusLabel, () -> {
                    notConnected(text);
                    if (e.status() == org.fita.protocol.Status.TLS_REQUIRED.code()) {
                        tlsCheck.setSelection(true); // the server takes TLS only: the next Connect uses it
                    }
                });
            }
            return Status.OK_STATUS;
        }).schedule();
    }

    private void notConnected(String text) {
        connectButton.setEnabled(true);
        useSession(null);
        table.setFiles(List.of());
        status(text, true);
    }

    /** The loud refusal: both fingerprints, what it may mean, and the known_servers line to remove. */
    private void showCertificateChanged(ServerIdentityException e) {
        KnownServers known = KnownServers.inFitaHome();
        Path file = e.knownServersFile().orElse(known.file());
        CertificateFingerprint remembered = e.expectedFingerprint().orElse(null);
        CertificateFingerprint offered = e.fingerprint().orElse(null);
        if (remembered == null || offered == null) {
            return; // the status line says what happened
        }
        new CertificateChangedDialog(shell(), e.server().host(), e.server().port(), remembered, offered, file,
                e.knownLine().orElse(KnownServers.key(e.server()) + " " + remembered)).open();
    }

    /**
     * Logs in, over TLS when asked (or when known_servers remembers the server); runs in the connect
     * job. The local server's own certificate is trusted without a question: this process made it.
     */
    private StepSession openSession(ServerAddress address, String user, String password, boolean tls, Display display,
            IProgressMonitor monitor) throws StepException {
        KnownServers known = KnownServers.inFitaHome();
        ConnectionSecurity security = ConnectionSecurity.defaults().withKnownServers(known).withTls(tls)
                .withRequireTlsExceptLoopback(FitaPreferences.store().getBoolean(FitaPreferences.REQUIRE_TLS_EXCEPT_LOCAL))
                .withPrompt(new ExplorerTrustPrompt(display, this::shell, monitor::isCanceled, known.file()));
        Optional<CertificateFingerprint> own = LocalTrust.ownCertificate(
                Services.get(getSite(), ServerRunner.class).status(), address);
        if (own.isPresent()) {
            security = security.withOwnCertificate(own.get());
        }
        return service.connect(address, user, password, security);
    }

    private void connected(StepSession connected, String passwordToRemember, boolean forget) {
        connectButton.setEnabled(true);
        useSession(connected);
        table.setFolder(RemoteFolders.ROOT, null);
        TlsInfo tls = connected.tls().orElse(null);
        showSecurity(tls);
        RecentConnection recent = new RecentConnection(connected.username(), connected.address(), tls != null);
        FitaPreferences.remember(recent);
        int other = hostCombo.indexOf(recent.withTls(tls == null).id()); // the same account with the other setting
        if (other >= 0) {
            hostCombo.remove(other);
        }
        if (hostCombo.indexOf(recent.id()) < 0) {
            hostCombo.add(recent.id(), 0);
        }
        String note = "";
        if (passwordToRemember != null) {
            try {
                PasswordStore.save(recent, passwordToRemember);
            } catch (StorageException e) {
                note = " The password was not saved: " + e.getMessage();
            }
        } else if (forget) {
            PasswordStore.forget(recent);
        }
        ClientLog.follow(connected);
        if (tls != null) {
            ClientLog.status(connected.address(), "TLS: " + TlsText.negotiated(tls) + "; server certificate "
                    + tls.fingerprint() + ", trusted because " + TlsText.trustedBy(tls.trustedBy()) + ".");
        }
        ClientLog.response(connected.address(), "Logged in as \"" + connected.username() + "\": "
                + (connected.capabilities().isFita() ? connected.capabilities().server() + ", extensions "
                        + connected.capabilities().extensions() : "a classic STEP server (no extensions)") + ".");
        if (connected.offersTls()) {
            ClientLog.status(connected.address(), "This server also serves TLS on this port, but this login was plain STEP:"
                    + " the password crossed the network in clear. Tick TLS and connect again to encrypt.");
        }
        String resumed = continued(TransferRestorer.resumeWith(service, connected));
        status("Connected to " + connected.address() + " as \"" + connected.username() + "\""
                + (tls != null ? " over TLS" : "") + " ("
                + (connected.capabilities().isFita() ? connected.capabilities().server() : "classic STEP server")
                + connected.usage().map(ClientExplorerView::usageText).orElse("") + ")." + note + resumed
                + (connected.offersTls() ? " This server also serves TLS: tick TLS and connect again to encrypt "
                        + "the connection (the password just crossed the network in clear)." : ""), false);
        refresh(resumed);
    }

    /**
     * Makes {@code next} (null: none) the explorer's session. The one it replaces is closed, unless
     * transfers still run on it: it then lives until they end (the service closes it).
     */
    private void useSession(StepSession next) {
        StepSession previous = session;
        session = next;
        if (next == null) {
            showSecurity(null);
        }
        if (previous != null && previous != next) {
            service.release(previous);
        }
        ExplorerState.publish(getSite().getWorkbenchWindow(), next != null);
    }

    /** Shows the lock (with what was negotiated in its tooltip) while connected over TLS; hides it otherwise. */
    private void showSecurity(TlsInfo tls) {
        if (lockLabel.isDisposed()) {
            return;
        }
        boolean on = tls != null;
        lockLabel.setToolTipText(on ? TlsText.describe(tls) : null);
        if (lockLabel.getVisible() != on) {
            lockLabel.setVisible(on);
            ((GridData) lockLabel.getLayoutData()).exclude = !on;
            lockLabel.getParent().layout(true);
        }
        security = tls;
        securityItem.set(tls);
    }

    /** "; 12 MB of 10 GB used" (or "; 12 MB used, no quota"): stored files plus unfinished uploads. */
    private static String usageText(StorageUsage usage) {
        return "; " + Formats.bytes(usage.usedBytes()) + (usage.hasQuota() ? " of " + Formats.bytes(usage.quotaBytes())
                + " used" : " used, no quota");
    }

    private static String continued(int resumed) {
        return resumed == 0 ? "" : " " + resumed + (resumed == 1 ? " transfer" : " transfers")
                + " left unfinished by the last run continue: see the Transfers view.";
    }

    /** Lists the server's files again, in a job; the folder shown stays while it holds files. */
    void refresh() {
        refresh("");
    }

    /** Lists the files; {@code more} is added to the status line that reports the listing. */
    private void refresh(String more) {
        StepSession current = session;
        if (current == null) {
            status("Not connected.", true);
            return;
        }
        Job.create("Listing files on " + current.address(), (IProgressMonitor monitor) -> {
            try {
                List<RemoteFile> files = current.list(null);
                ClientLog.status(current.address(), files.size() + (files.size() == 1 ? " file" : " files") + " listed.");
                UiThread.async(statusLabel, () -> listed(current, files, null, more));
            } catch (UnsupportedException e) {
                List<RemoteFile> uploaded = stillThere(current,
                        service.uploadedFiles(current.address(), current.username()));
                String note = e.getMessage() + " Showing the " + uploaded.size()
                        + " files uploaded from this workbench.";
                UiThread.async(statusLabel, () -> listed(current, uploaded, note, more));
            } catch (StepException e) {
                ClientLog.error(current.address(), e.getMessage());
                UiThread.async(statusLabel, () -> status(e.getMessage(), true));
            }
            return Status.OK_STATUS;
        }).schedule();
    }

    /** The files of a classic server that this workbench uploaded and that are still there. */
    private static List<RemoteFile> stillThere(StepSession session, List<RemoteFile> uploaded) {
        List<RemoteFile> present = new ArrayList<>();
        for (RemoteFile f : uploaded) {
            try {
                present.add(new RemoteFile(f.key(), f.size(), session.stat(f.key()).md5(), f.modified()));
            } catch (StepException e) {
                // Deleted since, or no longer readable: not shown.
            }
        }
        return present;
    }

    private void listed(StepSession from, List<RemoteFile> files, String note, String more) {
        if (from != session) {
            return; // connected elsewhere since
        }
        table.setFiles(files);
        status((note != null ? note : files.size() + (files.size() == 1 ? " file" : " files") + " on "
                + from.address() + ".") + more, false);
    }

    private void updateCount() {
        int all = table.all().size();
        if (table.isFiltering()) {
            int found = table.shown().size();
            countLabel.setText(found == all ? all + (all == 1 ? " file" : " files") : found + " of " + all + " files");
            return;
        }
        long folders = table.shown().stream().filter(RemoteEntry.Folder.class::isInstance).count();
        long files = table.shown().size() - folders;
        String text = folders == 0 ? "" : folders + (folders == 1 ? " folder" : " folders");
        if (files > 0 || folders == 0) {
            text += (text.isEmpty() ? "" : ", ") + files + (files == 1 ? " file" : " files");
        }
        countLabel.setText(text);
    }

    /** The breadcrumb: "/" then one button per folder down to the one shown; each opens its folder. */
    private void updatePathBar() {
        String folder = table.folder();
        if (folder.equals(pathBarFolder)) {
            return;
        }
        pathBarFolder = folder;
        for (ToolItem item : pathBar.getItems()) {
            item.dispose();
        }
        pathItem("/", RemoteFolders.ROOT, "The top folder");
        for (String prefix : RemoteFolders.pathTo(folder)) {
            String name = prefix.substring(RemoteFolders.parent(prefix).length());
            pathItem(Untrusted.visible(name).replace("&", "&&"), prefix, Untrusted.visible(prefix));
        }
        pathBar.getParent().layout();
    }

    private void pathItem(String text, String prefix, String toolTip) {
        ToolItem item = new ToolItem(pathBar, SWT.PUSH);
        item.setText(text);
        item.setToolTipText(toolTip);
        item.setData(prefix);
        item.addListener(SWT.Selection, e -> openFolder(prefix));
    }

    /** Shows the rows of {@code prefix} ("" for the root, else ending in '/'). */
    void openFolder(String prefix) {
        table.setFolder(prefix, null);
    }

    /** Shows the parent folder, with the folder just left selected. */
    void up() {
        String folder = table.folder();
        if (!folder.isEmpty()) {
            table.setFolder(RemoteFolders.parent(folder), folder);
        }
    }

    /** Double-click or Enter: opens a single selected folder; otherwise copies the selected keys. */
    private void openSelected() {
        List<RemoteEntry> selected = selectedRows();
        if (selected.size() == 1 && selected.get(0) instanceof RemoteEntry.Folder folder) {
            openFolder(folder.key());
        } else {
            copyKeys();
        }
    }

    /** While files are dragged over the table: tints it and says where a drop uploads to. */
    void showDropTarget(boolean on) {
        Control control = table.viewer.getControl();
        if (control.isDisposed()) {
            return;
        }
        control.setBackground(on ? control.getDisplay().getSystemColor(SWT.COLOR_INFO_BACKGROUND) : null);
        if (on) {
            String folder = table.folder();
            status("Drop to upload into " + (folder.isEmpty() ? "the top folder" : folder) + " on " + session.address()
                    + ".", false);
        }
    }

    /** The folder shown: uploads go under it. */
    String folder() {
        return table.folder();
    }

    private boolean isOurs(TransferTask task) {
        StepSession current = session;
        return current != null && task.server().equals(current.address()) && task.username().equals(current.username());
    }

    /** Uploads files and folders under the folder shown; asks about keys that exist. */
    public void upload(List<Path> paths) {
        if (session == null) {
            status("Connect to a server first.", true);
            return;
        }
        starter.upload(session, paths, table.folder());
    }

    /** Downloads {@code files} into {@code folder}; asks about files that exist. */
    List<TransferJob> download(List<RemoteFile> files, Path folder) {
        if (session == null) {
            status("Connect to a server first.", true);
            return List.of();
        }
        return starter.download(session, files, folder, true);
    }

    /** For a drag to the desktop: downloads into a fresh folder, no questions. */
    List<TransferJob> downloadForDrag(List<RemoteFile> files, Path freshFolder) {
        draggingOut = true;
        return starter.download(session, files, freshFolder, false);
    }

    void dragEnded() {
        draggingOut = false;
    }

    boolean isDraggingOut() {
        return draggingOut;
    }

    /** Deletes the files of {@code rows} (every file under a folder row) from the server after a confirmation. */
    void delete(List<RemoteEntry> rows) {
        StepSession current = session;
        List<RemoteFile> files = RemoteFolders.filesOf(rows);
        if (current == null || files.isEmpty()) {
            return;
        }
        String what = describe(rows, files);
        if (!MessageDialog.openConfirm(shell(), "Delete", "Delete " + what + " from " + current.address()
                + "? This cannot be undone.")) {
            return;
        }
        Job.create("Deleting " + what, (IProgressMonitor monitor) -> {
            List<String> failures = new ArrayList<>();
            monitor.beginTask("Deleting " + what, files.size());
            for (RemoteFile f : files) {
                if (monitor.isCanceled()) {
                    break;
                }
                try {
                    current.delete(f.key());
                } catch (StepException e) {
                    ClientLog.error(current.address(), e.getMessage());
                    failures.add(e.getMessage());
                }
                monitor.worked(1);
            }
            UiThread.async(statusLabel, () -> {
                refresh();
                if (!failures.isEmpty()) {
                    status(String.join(" ", failures), true);
                }
            });
            return Status.OK_STATUS;
        }).schedule();
    }

    /** What a delete of {@code rows} removes, in words: a folder is named with the number of files under it. */
    private static String describe(List<RemoteEntry> rows, List<RemoteFile> files) {
        long folders = rows.stream().filter(RemoteEntry.Folder.class::isInstance).count();
        if (folders == 0) {
            return files.size() == 1 ? "\"" + files.get(0).key() + "\"" : files.size() + " files";
        }
        String count = files.size() + (files.size() == 1 ? " file" : " files");
        if (rows.size() == 1) {
            return "the folder \"" + rows.get(0).key() + "\" and the " + count + " in it";
        }
        long others = rows.size() - folders;
        return folders + (folders == 1 ? " folder" : " folders") + (others == 0 ? "" : " and " + others
                + (others == 1 ? " file" : " files")) + ", " + count + " in all";
    }

    /** Copies the selected rows' keys; a folder's is its prefix, such as "photos/2024/". */
    void copyKeys() {
        copy(RemoteEntry::key, "key");
    }

    /** Copies the selected files' MD5s; a folder row gives an md5sum line ("MD5  key") per file under it. */
    void copyMd5s() {
        copy(ClientExplorerView::md5Text, "MD5");
    }

    private static String md5Text(RemoteEntry row) {
        if (row instanceof RemoteEntry.File file) {
            return file.file().md5();
        }
        return row.files().stream().map(f -> f.md5() + "  " + f.key()).collect(Collectors.joining(System.lineSeparator()));
    }

    private void copy(Function<RemoteEntry, String> part, String what) {
        List<RemoteEntry> selected = selectedRows();
        if (selected.isEmpty()) {
            return;
        }
        String text = selected.stream().map(part).collect(Collectors.joining(System.lineSeparator()));
        Clipboard clipboard = new Clipboard(statusLabel.getDisplay());
        try {
            clipboard.setContents(new Object[] {text}, new Transfer[] {TextTransfer.getInstance()});
        } finally {
            clipboard.dispose();
        }
        status("Copied " + selected.size() + " " + what + (selected.size() == 1 ? "" : "s") + ".", false);
    }

    List<RemoteEntry> selectedRows() {
        return table.selection();
    }

    /** The files of the selected rows, every file under a selected folder included. */
    List<RemoteFile> selectedFiles() {
        return RemoteFolders.filesOf(table.selection());
    }

    boolean isConnected() {
        return session != null;
    }

    StepSession session() {
        return session;
    }

    /** Shows a message under the table (and in the status line); errors in red. */
    void status(String text, boolean error) {
        if (statusLabel.isDisposed()) {
            return;
        }
        String message = Untrusted.visible(text); // errors quote the server's words and keys
        statusLabel.setText(message.replace("&", "&&"));
        statusLabel.setForeground(error ? statusLabel.getDisplay().getSystemColor(SWT.COLOR_RED) : null);
        statusLabel.getParent().layout();
        getViewSite().getActionBars().getStatusLineManager().setMessage(security != null ? lockLabel.getImage() : null,
                message);
    }

    Shell shell() {
        return getSite().getShell();
    }

    Control control() {
        return statusLabel;
    }

    /** The rows' keys (a folder's prefix for a folder row), for tests and handlers. */
    List<String> shownKeys() {
        return table.shownKeys();
    }

    @Override
    public void setFocus() {
        table.viewer.getControl().setFocus();
    }

    @Override
    public void dispose() {
        if (session != null) {
            useSession(null);
        }
        if (service != null && uploadsListener != null) {
            service.removeListener(uploadsListener);
        }
        if (dragListener != null) {
            dragListener.dispose();
        }
        super.dispose();
    }
}
