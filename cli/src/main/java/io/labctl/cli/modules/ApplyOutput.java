package io.labctl.cli.modules;

import io.labctl.cli.CliException;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.render.ModulePrinter;
import io.labctl.protocol.Json;
import io.labctl.protocol.modules.ApplyEvent;
import io.labctl.protocol.modules.ModuleReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders the NDJSON events of {@code modules apply|rollback|remove} as they arrive: each server's plan or result
 * when it comes in (a line of counts, then every changed, failed or skipped resource with its diff indented), on a
 * terminal a progress line on stderr ({@code [3/20] web-1 changed 4}) rewritten in place, then the denied and
 * excluded servers and labd's summary. With {@code json} each event is passed through as its line. Either way it
 * decides the exit code: 0 when every target converged, 1 when one failed (or was unhealthy) or was denied.
 */
public final class ApplyOutput {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean progress;
    private final boolean json;
    private final List<String> denied = new ArrayList<>();
    private final List<String> excluded = new ArrayList<>();
    private int failedServers;
    private String summary;
    private boolean progressShown;

    /**
     * @param progress whether to draw the progress line on {@code err} (a terminal is watching)
     * @param json     pass each event through as one JSON line instead of rendering it
     */
    public ApplyOutput(PrintWriter out, PrintWriter err, boolean progress, boolean json) {
        this.out = out;
        this.err = err;
        this.progress = progress && !json;
        this.json = json;
    }

    /** One line of labd's answer. */
    public void line(String text) {
        ApplyEvent e;
        try {
            e = Json.json().readValue(text, ApplyEvent.class);
        } catch (IOException ex) {
            throw CliException.unreachable("labd sent a line that is not an apply event: "
                    + text.substring(0, Math.min(text.length(), 120)), ex);
        }
        if (json) {
            out.println(text.strip());
        }
        accept(e);
        out.flush();
    }

    void accept(ApplyEvent e) {
        String type = e.type() == null ? "" : e.type();
        switch (type) {
            case ApplyEvent.DENIED -> denied.add(e.server() + ": " + e.message());
            case ApplyEvent.EXCLUDED -> {
                excluded.add(e.server() + ": " + e.message());
                if (e.done() > 0) {  // a target not run after all (e.g. --max-failures reached) counts as done
                    progress(e, "excluded");
                }
            }
            case ApplyEvent.RESULT -> result(e);
            case ApplyEvent.SUMMARY -> summary = e.message() == null ? "" : e.message();
            default -> { }  // target, and types a newer labd may add: nothing to show
        }
    }

    private void result(ApplyEvent e) {
        ModuleReport r = e.report();
        boolean failed = r == null || r.failed() > 0 || (r.health() != null && r.health().startsWith("unhealthy"));
        if (failed) {
            failedServers++;
        }
        if (!json) {
            clearProgress();
            out.print(r == null ? e.server() + "  failed: " + e.message() + "\n" : ModulePrinter.report(r));
        }
        progress(e, r == null ? "failed" : ModulePrinter.counts(r).split(",")[0]);
    }

    /** Rewrites the progress line: {@code [3/20] web-1 changed 4}. */
    private void progress(ApplyEvent e, String what) {
        if (progress) {
            err.print("\r[" + e.done() + "/" + e.total() + "] " + e.server() + " " + what + "\033[K");
            err.flush();
            progressShown = true;
        }
    }

    private void clearProgress() {
        if (progressShown) {
            err.print("\r\033[K");
            err.flush();
            progressShown = false;
        }
    }

    /** After the last line: the denied and excluded servers, the summary, and the exit code. */
    public int finish() {
        clearProgress();
        if (summary == null) {
            throw CliException.unreachable("labd ended the answer before its summary: the outcome on servers without a"
                    + " result above is unknown; see 'labctl modules status'", null);
        }
        if (!json) {
            list("Denied (no permission)", denied);
            list("Excluded", excluded);
            out.println(summary);
            out.flush();
        }
        return failedServers > 0 || !denied.isEmpty() ? ExitCodes.REFUSED : ExitCodes.OK;
    }

    private void list(String title, List<String> servers) {
        if (!servers.isEmpty()) {
            out.println(title + ":");
            servers.forEach(s -> out.println("  " + s));
        }
    }
}
