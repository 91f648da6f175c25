package org.fita.ui.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.IJobChangeListener;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.part.ViewPart;
import org.fita.server.ConnectionInfo;
import org.fita.server.RequestEvent;
import org.fita.server.ServerConfig;
import org.fita.server.ServerListener;
import org.fita.server.StepServer;
import org.fita.server.auth.AuthMode;
import org.fita.server.runner.ServerRunner;
import org.fita.server.runner.ServerStatus;
import org.fita.protocol.Untrusted;
import org.fita.ui.ColumnFit;
import org.fita.ui.Formats;
import org.fita.ui.TextColumns;
import org.fita.ui.Services;
import org.fita.ui.UiBatcher;
import org.fita.ui.preferences.AuthModes;
import org.fita.ui.preferences.FitaPreferences;
import org.fita.ui.security.FingerprintField;

/**
 * Starts and stops the embedded STEP server and shows what it does: status, open connections,
 * recent requests and the log tail. The server belongs to the runner service, not to the view:
 * it keeps running when the view closes and stops when the workbench exits.
 */
public final class LocalServerView extends ViewPart {
    static final String HOST = "127.0.0.1";
    private static final int SHOWN_REQUESTS = 300;
    private static final int SHOWN_LOG_LINES = 500;
    private static final int REFRESH_MILLIS = 150;

    private ServerRunner runner;
    private ServerListener listener;
    private UiBatcher<Runnable> events;
    private final List<ConnectionInfo> connections = new ArrayList<>();
    private final ArrayDeque<RequestEvent> requests = new ArrayDeque<>();
    private boolean busy;

    Text portText;
    Text rootText;
    Combo authCombo;
    Button tlsCheck;
    Button requireTlsCheck;
    FingerprintField fingerprint;
    Button startButton;
    Button stopButton;
    Label statusLabel;
    TableViewer connectionsViewer;
    TableViewer requestsViewer;
    Text logText;

    @Override
    public void createPartControl(Composite parent) {
        runner = Services.get(getSite(), ServerRunner.class);
        GridLayoutFactory.fillDefaults().margins(4, 4).applyTo(parent);

        Group settings = new Group(parent, SWT.NONE);
        settings.setText("Settings");
        GridLayoutFactory.swtDefaults().numColumns(4).applyTo(settings);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(settings);
        new Label(settings, SWT.NONE).setText("Port:");
        portText = new Text(settings, SWT.BORDER);
        portText.setToolTipText("TCP port on 127.0.0.1; 0 picks a free one");
        GridDataFactory.fillDefaults().span(3, 1).align(SWT.BEGINNING, SWT.CENTER).hint(60, SWT.DEFAULT).applyTo(portText);
        // On a row of its own: beside the port it was cut off in a narrow view (1024x768).
        new Label(settings, SWT.NONE).setText("Login:");
        authCombo = new Combo(settings, SWT.READ_ONLY);
        for (AuthMode mode : AuthMode.values()) {
            authCombo.add(AuthModes.label(mode));
        }
        authCombo.setToolTipText("How LOGIN checks passwords");
        GridDataFactory.fillDefaults().grab(true, false).span(3, 1).hint(120, SWT.DEFAULT).applyTo(authCombo);
        new Label(settings, SWT.NONE).setText("Root:");
        rootText = new Text(settings, SWT.BORDER);
        rootText.setToolTipText("Storage root: files, accounts, token secret and logs");
        GridDataFactory.fillDefaults().grab(true, false).span(2, 1).hint(150, SWT.DEFAULT).applyTo(rootText);
        Button browse = new Button(settings, SWT.PUSH);
        browse.setText("Browse...");
        browse.addListener(SWT.Selection, e -> browseRoot());
        new Label(settings, SWT.NONE); // under the labels: the check boxes say what they are
        Composite tls = new Composite(settings, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).spacing(12, 0).applyTo(tls);
        GridDataFactory.fillDefaults().span(3, 1).applyTo(tls);
        tlsCheck = new Button(tls, SWT.CHECK);
        tlsCheck.setText("Serve TLS");
        tlsCheck.setToolTipText("Also serve TLS on this port (encrypted; a self-signed certificate kept under the "
                + "storage root). Plain STEP clients still connect unless TLS is required.");
        tlsCheck.addListener(SWT.Selection, e -> updateStatus());
        requireTlsCheck = new Button(tls, SWT.CHECK);
        requireTlsCheck.setText("Require TLS");
        requireTlsCheck.setToolTipText("Refuse plain STEP connections with a message that says to use TLS: "
                + "classic coursework clients cannot connect");

        Composite buttons = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(3).applyTo(buttons);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(buttons);
        startButton = new Button(buttons, SWT.PUSH);
        startButton.setText("Start");
        startButton.addListener(SWT.Selection, e -> start());
        stopButton = new Button(buttons, SWT.PUSH);
        stopButton.setText("Stop");
        stopButton.addListener(SWT.Selection, e -> stop());
        statusLabel = new Label(buttons, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).align(SWT.FILL, SWT.CENTER).applyTo(statusLabel);

        Composite fingerprintRow = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).applyTo(fingerprintRow);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(fingerprintRow);
        new Label(fingerprintRow, SWT.NONE).setText("Fingerprint:");
        fingerprint = new FingerprintField(fingerprintRow, "", "The SHA-256 fingerprint of the server's certificate: "
                + "clients compare it with the one they are shown when they first connect");
        fingerprint.text.setMessage("while it runs with TLS");

        SashForm sash = new SashForm(parent, SWT.VERTICAL);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(sash);
        connectionsViewer = table(sash, "Connections");
        TextColumns.add(connectionsViewer, "#", 40, ConnectionInfo.class, c -> String.valueOf(c.id()));
        TableViewerColumn peer = TextColumns.add(connectionsViewer, "Peer", 150, ConnectionInfo.class, c -> c.remote());
        TextColumns.add(connectionsViewer, "Opened", 100, ConnectionInfo.class, c -> Formats.time(c.opened()));
        requestsViewer = table(sash, "Recent requests");
        TextColumns.add(requestsViewer, "Time", 75, RequestEvent.class, r -> Formats.time(r.at()));
        TextColumns.add(requestsViewer, "#", 30, RequestEvent.class, r -> String.valueOf(r.connectionId()));
        TextColumns.add(requestsViewer, "User", 60, RequestEvent.class, r -> Untrusted.visible(nonNull(r.user())));
        TextColumns.add(requestsViewer, "Request", 95, RequestEvent.class, r -> Untrusted.visible(r.type() + " " + r.operation()));
        TableViewerColumn key = TextColumns.add(requestsViewer, "Key", 120, RequestEvent.class,
                r -> Untrusted.visible(nonNull(r.key())));
        TextColumns.add(requestsViewer, "Status", 50, RequestEvent.class, r -> String.valueOf(r.status()));
        TextColumns.add(requestsViewer, "Bytes", 70, RequestEvent.class, r -> Formats.bytes(r.bytesIn() + r.bytesOut()));
        TextColumns.add(requestsViewer, "ms", 50, RequestEvent.class, r -> String.format("%.1f", r.nanos() / 1e6));
        ColumnFit.fit(connectionsViewer.getTable(), peer.getColumn(), 100);
        ColumnFit.fit(requestsViewer.getTable(), key.getColumn(), 60);
        Group log = new Group(sash, SWT.NONE);
        log.setText("Log");
        GridLayoutFactory.fillDefaults().margins(2, 2).applyTo(log);
        logText = new Text(log, SWT.MULTI | SWT.READ_ONLY | SWT.V_SCROLL | SWT.H_SCROLL);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(logText);
        sash.setWeights(36, 40, 24);

        loadSettings();
        events = new UiBatcher<>(parent, REFRESH_MILLIS, batch -> {
            batch.forEach(Runnable::run);
            showChanges();
        });
        listener = new RelayToView();
        runner.addListener(listener);
        showCurrentState();
    }

    private static TableViewer table(Composite parent, String title) {
        Group group = new Group(parent, SWT.NONE);
        group.setText(title);
        GridLayoutFactory.fillDefaults().margins(2, 2).applyTo(group);
        TableViewer viewer = new TableViewer(group, SWT.BORDER | SWT.FULL_SELECTION | SWT.MULTI);
        viewer.getTable().setHeaderVisible(true);
        viewer.setContentProvider(ArrayContentProvider.getInstance());
        GridDataFactory.fillDefaults().grab(true, true).applyTo(viewer.getControl());
        return viewer;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private void loadSettings() {
        portText.setText(String.valueOf(FitaPreferences.store().getInt(FitaPreferences.SERVER_PORT)));
        rootText.setText(FitaPreferences.store().getString(FitaPreferences.SERVER_ROOT));
        authCombo.select(FitaPreferences.serverAuth().ordinal());
        tlsCheck.setSelection(FitaPreferences.store().getBoolean(FitaPreferences.SERVER_TLS));
        requireTlsCheck.setSelection(FitaPreferences.store().getBoolean(FitaPreferences.SERVER_REQUIRE_TLS));
    }

    /** What the runner already did before this view opened. */
    private void showCurrentState() {
        connections.clear();
        runner.server().ifPresent(s -> connections.addAll(s.connections()));
        requests.clear();
        List<RequestEvent> recent = runner.recentActivity().requests();
        recent.subList(Math.max(0, recent.size() - SHOWN_REQUESTS), recent.size()).forEach(requests::addFirst);
        List<String> lines = runner.recentActivity().logLines();
        logText.setText(String.join("\n", lines.subList(Math.max(0, lines.size() - SHOWN_LOG_LINES), lines.size())));
        if (!lines.isEmpty()) {
            logText.append("\n");
        }
        runner.server().map(StepServer::port).ifPresent(p -> portText.setText(String.valueOf(p)));
        ServerStatus status = runner.status();
        if (status.running()) { // started before this view opened: show how
            tlsCheck.setSelection(status.tlsEnabled());
            requireTlsCheck.setSelection(status.tlsRequired());
        }
        showChanges();
    }

    private void showChanges() {
        connectionsViewer.setInput(connections.toArray());
        requestsViewer.setInput(requests.toArray());
        ((Group) connectionsViewer.getControl().getParent()).setText("Connections (" + connections.size() + " open)");
        ((Group) requestsViewer.getControl().getParent()).setText("Recent requests (" + runner.status().requests()
                + " answered since the start)");
        updateStatus();
    }

    private void updateStatus() {
        ServerStatus status = runner.status();
        boolean running = status.running();
        statusLabel.setText(busy ? "Working..." : describe(status));
        statusLabel.setToolTipText(busy ? null : status.describe());
        statusLabel.getParent().layout();
        startButton.setEnabled(!busy && !running);
        stopButton.setEnabled(!busy && running);
        portText.setEnabled(!busy && !running);
        rootText.setEnabled(!busy && !running);
        authCombo.setEnabled(!busy && !running);
        tlsCheck.setEnabled(!busy && !running);
        requireTlsCheck.setEnabled(!busy && !running && tlsCheck.getSelection());
        String shown = running ? status.fingerprint().map(Object::toString).orElse("") : "";
        if (!shown.equals(fingerprint.text.getText())) {
            fingerprint.setValue(shown);
            fingerprint.text.setToolTipText(status.fingerprint().map(f -> f + "\n" + f.toHex()
                    + "\nThe SHA-256 fingerprint of the server's certificate: clients compare it with the one they are"
                    + " shown when they first connect").orElse(null));
        }
        fingerprint.copy.setEnabled(!shown.isEmpty());
    }

    /**
     * "Server is ready on 127.0.0.1:1379, TLS too" (or "TLS only"): short enough for a narrow view;
     * the fingerprint has a field of its own and the whole description is the tooltip.
     */
    private static String describe(ServerStatus status) {
        if (!status.running() || !status.tlsEnabled()) {
            return status.describe();
        }
        return "Server is ready on " + status.address().getAddress().getHostAddress() + ":" + status.address().getPort()
                + (status.tlsRequired() ? ", TLS only" : ", TLS too");
    }

    private void browseRoot() {
        DirectoryDialog dialog = new DirectoryDialog(getSite().getShell());
        dialog.setText("Storage root");
        dialog.setFilterPath(rootText.getText());
        String chosen = dialog.open();
        if (chosen != null) {
            rootText.setText(chosen);
        }
    }

    /** Starts the server in a job with the settings in the fields; the status line tells how it went. */
    public void start() {
        ServerConfig config;
        try {
            config = configFromFields();
        } catch (IllegalArgumentException e) {
            statusLabel.setText(e.getMessage());
            return;
        }
        busy = true;
        updateStatus();
        Job job = Job.create("Starting the local STEP server", (IProgressMonitor monitor) -> {
            try {
                runner.start(config);
            } catch (IOException | RuntimeException e) {
                // The status line shows why (runner.status() keeps the last error).
            }
            return Status.OK_STATUS;
        });
        job.addJobChangeListener(IJobChangeListener.onDone(e -> events.offer(() -> busy = false)));
        job.schedule();
    }

    private ServerConfig configFromFields() {
        int port;
        try {
            port = Integer.parseInt(portText.getText().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("The port must be a number from 0 to 65535.");
        }
        if (rootText.getText().isBlank()) {
            throw new IllegalArgumentException("Choose a storage root first.");
        }
        boolean tls = tlsCheck.getSelection();
        return ServerConfig.builder().host(HOST).port(port).root(Path.of(rootText.getText().trim()))
                .authMode(AuthMode.values()[Math.max(0, authCombo.getSelectionIndex())])
                .tls(tls).requireTls(tls && requireTlsCheck.getSelection()).logToConsole(false).build();
    }

    /** Stops the server in a job: closing connections may take a moment. */
    void stop() {
        busy = true;
        updateStatus();
        Job job = Job.create("Stopping the local STEP server", (IProgressMonitor monitor) -> {
            runner.stop();
            return Status.OK_STATUS;
        });
        job.addJobChangeListener(IJobChangeListener.onDone(e -> events.offer(() -> busy = false)));
        job.schedule();
    }

    @Override
    public void setFocus() {
        (startButton.isEnabled() ? startButton : stopButton).setFocus();
    }

    @Override
    public void dispose() {
        if (runner != null && listener != null) {
            runner.removeListener(listener);
        }
        super.dispose();
    }

    /** Server threads report here; every change is applied on the UI thread in batches. */
    private final class RelayToView implements ServerListener {
        @Override
        public void serverStarted(InetSocketAddress address) {
            events.offer(() -> {
                connections.clear();
                portText.setText(String.valueOf(address.getPort()));
            });
        }

        @Override
        public void serverStopped() {
            events.offer(connections::clear);
        }

        @Override
        public void connectionOpened(ConnectionInfo connection) {
            events.offer(() -> connections.add(connection));
        }

        @Override
        public void connectionClosed(ConnectionInfo connection, String reason) {
            events.offer(() -> connections.removeIf(c -> c.id() == connection.id()));
        }

        @Override
        public void requestHandled(RequestEvent event) {
            events.offer(() -> {
                requests.addFirst(event);
                while (requests.size() > SHOWN_REQUESTS) {
                    requests.removeLast();
                }
            });
        }

        @Override
        public void logged(String line) {
            events.offer(() -> appendLog(line));
        }
    }

    private void appendLog(String line) {
        logText.append(line + "\n");
        if (logText.getLineCount() > SHOWN_LOG_LINES * 2) {
            // Trimming a Text is costly: let it grow to twice the limit, then cut back to the limit.
            String[] lines = logText.getText().split("\n");
            logText.setText(String.join("\n", java.util.Arrays.asList(lines).subList(lines.length - SHOWN_LOG_LINES,
                    lines.length)) + "\n");
            logText.setSelection(logText.getCharCount());
        }
    }
}
