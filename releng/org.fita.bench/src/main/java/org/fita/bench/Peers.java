package org.fita.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The tools FiTA is compared with, on 127.0.0.1: an rsync daemon and an sshd (for scp) of the
 * bench's own, each with its configuration, keys and data in the scratch folder, started when the
 * programs are installed (`apt-get install rsync openssh-server`) and stopped at the end. The bench
 * installs nothing; a missing tool is reported and its columns stay empty.
 */
final class Peers implements AutoCloseable {
    static final String MODULE = "bench";

    private final Path dir;
    private final Command command;
    private Daemon rsyncd;
    private Daemon sshd;
    private Path rsync;
    private Path scp;
    private String rsyncMissing;
    private String scpMissing;
    private boolean rsyncFsync;

    private Peers(Path dir) {
        this.dir = dir;
        this.command = new Command(dir.resolve("commands.log"));
    }

    /** Starts what the machine has; never fails for a missing tool, only says why it is missing. */
    static Peers start(Path dir, Report report) throws IOException, InterruptedException {
        Peers peers = new Peers(Files.createDirectories(dir));
        try {
            peers.startRsync();
        } catch (IOException e) {
            peers.rsyncMissing = e.getMessage();
        }
        try {
            peers.startSshd();
        } catch (IOException e) {
            peers.scpMissing = e.getMessage();
        }
        report.progress(peers.rsyncd != null ? "rsync daemon: " + peers.rsyncd : "no rsync: " + peers.rsyncMissing);
        report.progress(peers.sshd != null ? "sshd for scp: " + peers.sshd : "no scp: " + peers.scpMissing);
        return peers;
    }

    private void startRsync() throws IOException, InterruptedException {
        rsync = Command.find("rsync");
        if (rsync == null) {
            throw new IOException("rsync is not installed (apt-get install rsync)");
        }
        Path module = Files.createDirectories(dir.resolve("rsync-module"));
        Path config = dir.resolve("rsyncd.conf");
        List<String> lines = new ArrayList<>(List.of(
                "pid file = " + dir.resolve("rsyncd.pid"),
                "lock file = " + dir.resolve("rsyncd.lock"),
                "log file = " + dir.resolve("rsyncd.log"),
                "use chroot = no"));
        if ("root".equals(System.getProperty("user.name"))) {
            // Run as root, the daemon would switch to "nobody", who cannot write the scratch folder.
            PosixFileAttributes owner = Files.readAttributes(dir, PosixFileAttributes.class);
            lines.add("uid = " + owner.owner().getName());
            lines.add("gid = " + owner.group().getName());
        }
        lines.addAll(List.of("[" + MODULE + "]", "path = " + module, "read only = no"));
        Files.write(config, lines, StandardCharsets.UTF_8);
        rsyncd = Daemon.start("rsync daemon", port -> List.of(rsync.toString(), "--daemon", "--no-detach",
                "--config=" + config, "--address=127.0.0.1", "--port=" + port), dir.resolve("rsyncd.out"));
        rsyncFsync = helpMentions(rsync, "--fsync");
    }

    private void startSshd() throws IOException, InterruptedException {
        Path sshdProgram = Command.find("sshd");
        scp = Command.find("scp");
        Path keygen = Command.find("ssh-keygen");
        if (sshdProgram == null || scp == null || keygen == null) {
            throw new IOException("sshd, scp or ssh-keygen is not installed (apt-get install openssh-server)");
        }
        if ("root".equals(System.getProperty("user.name")) && !Files.isDirectory(Path.of("/run/sshd"))) {
            throw new IOException("sshd run by root needs its privilege separation folder /run/sshd, which the ssh "
                    + "service creates when it starts: run `mkdir -p /run/sshd` once, or the bench as another user");
        }
        Path ssh = Files.createDirectories(dir.resolve("ssh"));
        Path hostKey = ssh.resolve("host_key");
        Path clientKey = ssh.resolve("client_key");
        command.time(List.of(keygen.toString(), "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString()));
        command.time(List.of(keygen.toString(), "-q", "-t", "ed25519", "-N", "", "-f", clientKey.toString()));
        Files.copy(ssh.resolve("client_key.pub"), ssh.resolve("authorized_keys"));
        Files.createDirectories(dir.resolve("scp"));
        Path config = ssh.resolve("sshd_config");
        Files.write(config, List.of(
                "HostKey " + hostKey,
                "PidFile " + ssh.resolve("sshd.pid"),
                "AuthorizedKeysFile " + ssh.resolve("authorized_keys"),
                // The scratch folder may be group-writable; the keys are the bench's own and live only for this run.
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin prohibit-password",
                "Subsystem sftp internal-sftp"), StandardCharsets.UTF_8);
        sshd = Daemon.start("sshd", port -> List.of(sshdProgram.toString(), "-D", "-e", "-f", config.toString(),
                "-o", "ListenAddress=127.0.0.1", "-o", "Port=" + port), dir.resolve("sshd.out"));
        String hostPublic = Files.readString(ssh.resolve("host_key.pub"), StandardCharsets.UTF_8).trim();
        Files.writeString(ssh.resolve("known_hosts"), "[127.0.0.1]:" + sshd.port() + " " + hostPublic + "\n",
                StandardCharsets.UTF_8);
    }

    private static boolean helpMentions(Path program, String option) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(program.toString(), "--help").redirectErrorStream(true).start();
        String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return help.contains(option);
    }

    boolean hasRsync() {
        return rsyncd != null;
    }

    /** rsync 3.2.4 and later have --fsync. */
    boolean hasRsyncFsync() {
        return rsyncd != null && rsyncFsync;
    }

    boolean hasScp() {
        return sshd != null;
    }

    /** Why a tool is missing, for the report; null if all are there. */
    String missing() {
        List<String> why = new ArrayList<>();
        if (rsyncMissing != null) {
            why.add("no rsync figures: " + rsyncMissing);
        } else if (!rsyncFsync) {
            why.add("no rsync --fsync figures: the installed rsync is older than 3.2.4");
        }
        if (scpMissing != null) {
            why.add("no scp figures: " + scpMissing);
        }
        return why.isEmpty() ? null : String.join("; ", why);
    }

    int rsyncPort() {
        return rsyncd.port();
    }

    /** Where the daemon's module keeps what it receives. */
    Path rsyncModule() {
        return dir.resolve("rsync-module");
    }

    /** Where scp uploads go on the "remote" side. */
    Path scpFolder() {
        return dir.resolve("scp");
    }

    String describeRsync() {
        return rsyncd == null ? "–" : rsync + " " + version(List.of(rsync.toString(), "--version"));
    }

    String describeScp() {
        return sshd == null ? "–" : version(List.of("ssh", "-V"));
    }

    private static String version(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out.lines().findFirst().orElse("?").trim();
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    /**
     * rsync to or from the daemon, at {@code port} (the daemon's, or a delay line in front of it).
     * {@code remote} is a path inside the module; a trailing '/' on a folder copies its content.
     */
    long rsyncUpload(int port, Path local, String remote, boolean recursive, boolean fsync) throws IOException,
            InterruptedException {
        // A folder's trailing '/' (which Path drops) makes rsync copy its content, not the folder itself.
        return command.time(rsyncCommand(recursive, fsync, local + (recursive ? "/" : ""), url(port, remote)));
    }

    long rsyncDownload(int port, String remote, Path local, boolean recursive, boolean fsync) throws IOException,
            InterruptedException {
        return command.time(rsyncCommand(recursive, fsync, url(port, remote), local.toString()));
    }

    private List<String> rsyncCommand(boolean recursive, boolean fsync, String from, String to) {
        List<String> c = new ArrayList<>(List.of(rsync.toString()));
        if (recursive) {
            c.add("-r");
        }
        if (fsync) {
            c.add("--fsync");
        }
        c.add(from);
        c.add(to);
        return c;
    }

    private static String url(int port, String path) {
        return "rsync://127.0.0.1:" + port + "/" + MODULE + "/" + path;
    }

    /** scp of one file to an absolute path on the "remote" side, through the bench's sshd. */
    long scpUpload(Path local, Path remote) throws IOException, InterruptedException {
        return command.time(scpCommand(local.toString(), remoteSpec(remote)));
    }

    long scpDownload(Path remote, Path local) throws IOException, InterruptedException {
        return command.time(scpCommand(remoteSpec(remote), local.toString()));
    }

    private String remoteSpec(Path remote) {
        return System.getProperty("user.name") + "@127.0.0.1:" + remote;
    }

    private List<String> scpCommand(String from, String to) {
        Path ssh = dir.resolve("ssh");
        // -F /dev/null: none of the user's ssh configuration; the host key is the bench's own, known in advance.
        return List.of(scp.toString(), "-q", "-F", "/dev/null", "-P", Integer.toString(sshd.port()),
                "-i", ssh.resolve("client_key").toString(), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + ssh.resolve("known_hosts"),
                from, to);
    }

    @Override
    public void close() {
        if (rsyncd != null) {
            rsyncd.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }
}
