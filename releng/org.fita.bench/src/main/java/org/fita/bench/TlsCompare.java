package org.fita.bench;

/**
 * 1 GiB over TLS against plain STEP and scp, in the same run (issue 10, "Measure"). This build has
 * no TLS in the engine yet: the scenario says so instead of measuring.
 */
final class TlsCompare {
    private final BenchContext ctx;

    TlsCompare(BenchContext ctx, Peers peers) {
        this.ctx = ctx;
    }

    void run() {
        ctx.report().section("TLS against plain STEP and scp",
                "Not measured: this build of FiTA has no TLS yet. Once the server takes `--tls` and the client "
                        + "`steps://`, this scenario uploads and downloads 1 GiB over TLS, over plain STEP and with "
                        + "scp in the same run and prints the negotiated cipher suite.\n");
    }
}
