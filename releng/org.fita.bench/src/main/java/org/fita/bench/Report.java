package org.fita.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The bench's output: Markdown on stdout, printed section by section as scenarios finish (so a
 * failed run still shows what it measured), and progress notes on stderr.
 */
final class Report {
    record Target(String what, String rule, String measured, boolean pass) {
    }

    private final List<Target> targets = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    void text(String markdown) {
        System.out.println(markdown);
        System.out.flush();
    }

    void section(String title, String markdown) {
        text("## " + title + "\n\n" + markdown);
    }

    void progress(String note) {
        System.err.println("[bench] " + note);
    }

    void target(String what, String rule, String measured, boolean pass) {
        targets.add(new Target(what, rule, measured, pass));
    }

    /** Something that should have worked did not; the run goes on with the next measurement. */
    void failure(String what) {
        progress("FAILED: " + what);
        failures.add(what);
    }

    boolean failed() {
        return !failures.isEmpty();
    }

    void printFailures() {
        if (!failures.isEmpty()) {
            section("Failures", failures.stream().map(f -> "- " + f + "\n").reduce("", String::concat));
        }
    }

    void printTargets() {
        if (targets.isEmpty()) {
            return;
        }
        Table table = new Table("target", "rule", "measured", "result");
        targets.forEach(t -> table.row(t.what(), t.rule(), t.measured(), t.pass() ? "PASS" : "FAIL"));
        section("Targets", table.markdown());
    }
}
