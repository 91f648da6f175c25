package org.fita.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The baseline: the system's md5sum over the same files, timed as a whole process. */
final class Md5sum {
    /**
     * @param nanos times of the timed runs
     * @param md5s  each file's digest, to check the transfers against
     */
    record Result(Samples nanos, List<String> md5s) {
        String md5() {
            return md5s.get(0);
        }
    }

    private Md5sum() {
    }

    /** One untimed run to fill the page cache, then {@code runs} timed runs. */
    static Result measure(List<Path> files, int runs) throws IOException, InterruptedException {
        List<String> md5s = run(files);
        Samples samples = new Samples();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            run(files);
            samples.add(System.nanoTime() - start);
        }
        return new Result(samples, md5s);
    }

    private static List<String> run(List<Path> files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("md5sum");
        files.forEach(f -> command.add(f.toString()));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IOException("md5sum failed with exit code " + p.exitValue());
        }
        // One "digest  name" line per file, in the order given.
        return new String(output, StandardCharsets.UTF_8).lines().map(l -> l.substring(0, l.indexOf(' '))).toList();
    }
}
