package org.fita.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fita.protocol.CertificateFingerprint;
import org.fita.transfer.ConnectionLimits;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.StepSession;
import org.fita.transfer.TransferOptions;
import org.fita.transfer.trust.ConnectionSecurity;
import org.fita.transfer.trust.KnownServers;
import org.fita.transfer.trust.TlsInfo;

/**
 * 1 GiB over TLS against plain STEP and scp, in the same run and on the same server (which serves
 * both on one port): the engine in this JVM and the fita command as a whole process, each over TLS
 * and plain, and scp through the bench's sshd. Prints the protocol and cipher suite negotiated.
 */
final class TlsCompare {
    private static final double TLS_VS_SCP = 1.0;
    static final String FITA_TLS = "fita command, TLS";
    static final String ENGINE_TLS = "fita engine, TLS";

    private final BenchContext ctx;
    private final Peers peers;
    private final FitaCommand plain;
    private final FitaCommand tls;

    TlsCompare(BenchContext ctx, Peers peers, FitaCommand plain, FitaCommand tls) {
        this.ctx = ctx;
        this.peers = peers;
        this.plain = plain;
        this.tls = tls;
    }

    void run() throws Exception {
        String fingerprint = ctx.server().fingerprint();
        if (fingerprint == null) {
            throw new IllegalStateException("The bench server does not serve TLS (it was started without --tls)");
        }
        long size = ctx.options().tlsSize();
        String label = Units.size(size).replace(" ", "");
        int runs = ctx.options().repeat();
        int port = ctx.server().port();
        Path in = ctx.folder("tls-in");
        Path file = in.resolve(label + ".bin");
        Path target = in.resolve(label + "-down.bin");
        ctx.report().progress("TLS " + label + ": writing the file");
        ctx.files().write(file, size);
        String md5 = Md5sum.measure(List.of(file), 1).md5();
        Map<String, Map<String, Samples>> tools = new LinkedHashMap<>();
        // Its own known_servers: remembering the bench server there must not turn the plain sessions into TLS ones.
        ConnectionSecurity security = ConnectionSecurity.defaults().withTls(true)
                .withPinned(CertificateFingerprint.parse(fingerprint))
                .withKnownServers(new KnownServers(ctx.folder("tls-known").resolve(KnownServers.FILE_NAME)));
        TlsInfo negotiated;
        try (StepSession secure = StepSession.connect(new ServerAddress("127.0.0.1", port), BenchContext.USER,
                StepSession.classicPassword(BenchContext.USER), ConnectionLimits.DEFAULTS, security)) {
            negotiated = secure.tls().orElseThrow(() -> new IllegalStateException("The TLS session reports no TLS"));
            for (int run = 0; run < runs; run++) {
                ctx.report().progress("TLS " + label + ": run " + (run + 1) + " of " + runs);
                engine(tools, Compare.ENGINE, ctx.session(), file, target, "tls/plain-engine-" + run, md5, size);
                engine(tools, ENGINE_TLS, secure, file, target, "tls/tls-engine-" + run, md5, size);
                command(tools, Compare.FITA, plain, port, file, target, "tls/plain-command-" + run, size);
                command(tools, FITA_TLS, tls, port, file, target, "tls/tls-command-" + run, size, "--tls", "--trust",
                        fingerprint);
                if (peers.hasScp()) {
                    Path remote = peers.scpFolder().resolve("tls-" + run + ".bin");
                    add(tools, Compare.SCP, "upload", peers.scpUpload(file, remote));
                    add(tools, Compare.SCP, "download", peers.scpDownload(remote, target));
                    Compare.checkAndDelete(target, size);
                    Compare.checkAndDelete(remote, size);
                }
            }
        }
        Files.delete(file);
        print(tools, size, negotiated);
    }

    private void engine(Map<String, Map<String, Samples>> tools, String name, StepSession session, Path file,
            Path target, String key, String md5, long size) throws Exception {
        add(tools, name, "upload", BenchContext.upload(session, file, key, TransferOptions.DEFAULTS, null, md5).total());
        add(tools, name, "download", BenchContext.download(session, key, target, TransferOptions.DEFAULTS, null, md5)
                .total());
        Compare.checkAndDelete(target, size);
        ctx.session().delete(key);
    }

    private void command(Map<String, Map<String, Samples>> tools, String name, FitaCommand fita, int port, Path file,
            Path target, String key, long size, String... extra) throws Exception {
        add(tools, name, "upload", fita.time(port, concat(List.of("upload", file.toString(), "--key", key), extra)));
        add(tools, name, "download", fita.time(port, concat(List.of("download", key, "-o", target.toString()), extra)));
        Compare.checkAndDelete(target, size);
        ctx.session().delete(key);
    }

    private static String[] concat(List<String> args, String... extra) {
        String[] all = args.toArray(new String[args.size() + extra.length]);
        System.arraycopy(extra, 0, all, args.size(), extra.length);
        return all;
    }

    private static void add(Map<String, Map<String, Samples>> tools, String tool, String direction, long nanos) {
        tools.computeIfAbsent(tool, t -> new LinkedHashMap<>()).computeIfAbsent(direction, d -> new Samples())
                .add(nanos);
    }

    private void print(Map<String, Map<String, Samples>> tools, long size, TlsInfo negotiated) {
        Table table = new Table("file", "direction", "scp", "fita engine, plain", "fita engine, TLS", "TLS ÷ plain",
                "TLS ÷ scp", "fita command, plain", "fita command, TLS", "TLS ÷ plain", "TLS ÷ scp");
        for (String direction : List.of("upload", "download")) {
            Long scp = Compare.best(tools.getOrDefault(Compare.SCP, Map.of()).get(direction));
            long enginePlain = tools.get(Compare.ENGINE).get(direction).best();
            long engineTls = tools.get(ENGINE_TLS).get(direction).best();
            long commandPlain = tools.get(Compare.FITA).get(direction).best();
            long commandTls = tools.get(FITA_TLS).get(direction).best();
            table.row(Units.size(size), direction, Compare.seconds(scp), Units.seconds(enginePlain),
                    Units.seconds(engineTls), Compare.ratio(engineTls, enginePlain), Compare.ratio(engineTls, scp),
                    Units.seconds(commandPlain), Units.seconds(commandTls), Compare.ratio(commandTls, commandPlain),
                    Compare.ratio(commandTls, scp));
            String title = Units.size(size) + " over TLS, plain STEP and scp, 127.0.0.1";
            ctx.charts().tls(title, direction, "fita command, plain", commandPlain);
            ctx.charts().tls(title, direction, FITA_TLS, commandTls);
            ctx.charts().tls(title, direction, "fita engine, plain", enginePlain);
            ctx.charts().tls(title, direction, ENGINE_TLS, engineTls);
            if (scp != null) {
                ctx.charts().tls(title, direction, Compare.SCP, scp);
                double r = commandTls / (double) scp;
                ctx.report().target(Units.size(size) + " " + direction + " over TLS vs scp", "≤ "
                        + Units.ratio(TLS_VS_SCP) + " scp", Units.ratio(r) + " (" + Units.seconds(commandTls) + " vs "
                        + Units.seconds(scp) + ")", r <= TLS_VS_SCP);
            }
        }
        ctx.report().section("TLS against plain STEP and scp: " + Units.size(size),
                "Best of " + ctx.options().repeat() + " runs, all against the same server, which serves TLS and "
                        + "plain STEP on one port (self-signed certificate, trusted by its fingerprint with --trust). "
                        + "Negotiated: **" + negotiated.protocol() + ", " + negotiated.cipherSuite() + "** (Java "
                        + System.getProperty("java.runtime.version") + ", " + System.getProperty("os.arch")
                        + "). scp: " + peers.describeScp() + ". Ratios are TLS ÷ the other (lower is better):\n\n"
                        + table.markdown() + (peers.hasScp() ? "" : "\n- " + peers.missing() + "\n"));
    }
}
