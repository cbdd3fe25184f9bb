package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.CliException;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.exec.InterruptSource;
import io.labctl.cli.http.LabdClient;
import io.labctl.protocol.Json;
import io.labctl.protocol.pulumi.PulumiRun;
import io.labctl.protocol.pulumi.RunLine;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Following a Pulumi run's log from labctl: the lines as labd stores them, until the run has ended. Shared by
 * {@code plan|apply|destroy} (where Ctrl-C cancels the run) and {@code logs pulumi/ID -f} (where it stops reading).
 */
final class PulumiRuns {
    private PulumiRuns() {}

    /**
     * Prints the run's log lines to out as they come, until the run has ended and every line is printed; returns the
     * ended run. With cancelOnInterrupt, Ctrl-C asks labd to cancel the run and the follow goes on to its end;
     * without, Ctrl-C stops reading and null is returned.
     */
    static PulumiRun follow(Cli cli, LabdClient client, String id, PrintWriter out, boolean cancelOnInterrupt) {
        AtomicReference<Closeable> body = new AtomicReference<>();
        AtomicBoolean stopped = new AtomicBoolean();
        AtomicBoolean cancelAsked = new AtomicBoolean();
        AtomicLong last = new AtomicLong();
        Runnable onInterrupt = () -> {
            if (cancelOnInterrupt) {
                if (cancelAsked.compareAndSet(false, true)) {
                    cli.err().println("Cancelling run " + id + " (the engine stops what it is doing; Ctrl-C again"
                            + " stops waiting)...");
                    cli.err().flush();
                    try {
                        client.post(PulumiRun.PATH + "/" + id + "/cancel", null, PulumiRun.class);
                    } catch (CliException e) {
                        cli.err().println("labd did not cancel run " + id + ": " + e.getMessage());
                    }
                    return;
                }
            }
            stopped.set(true);
            closeQuietly(body.get());
        };
        try (InterruptSource.Registration ignored = cli.interrupts().install(onInterrupt, () -> { })) {
            // a dropped connection resumes after the last line printed: nothing twice, nothing lost
            for (int attempt = 0; attempt < 3 && !stopped.get(); attempt++) {
                try {
                    client.getLines(PulumiRun.PATH + "/" + id + "/log?follow=true&after=" + last.get(), c -> {
                        body.set(c);
                        if (stopped.get()) {
                            closeQuietly(c);
                        }
                    }, line -> {
                        RunLine l = parse(line);
                        if (l.seq() > last.get()) {
                            out.println(l.text());
                            out.flush();
                            last.set(l.seq());
                        }
                    });
                } catch (CliException e) {
                    if (stopped.get()) {
                        return null;
                    }
                    if (attempt == 2 || e.exitCode() != ExitCodes.UNREACHABLE) {
                        throw e;
                    }
                    continue;
                }
                PulumiRun run = client.get(PulumiRun.PATH + "/" + id, PulumiRun.class);
                if (run.ended()) {
                    return run;
                }
            }
            return stopped.get() ? null : client.get(PulumiRun.PATH + "/" + id, PulumiRun.class);
        }
    }

    private static RunLine parse(String line) {
        try {
            return Json.json().readValue(line, RunLine.class);
        } catch (IOException e) {
            throw CliException.unreachable("labd sent a line that is not a run's log line: "
                    + line.substring(0, Math.min(line.length(), 120)), e);
        }
    }

    /** The exit code a run's end gives a script: 0 succeeded, 1 failed, 130 cancelled. */
    static int exitCode(PulumiRun run) {
        if (run == null || PulumiRun.CANCELLED.equals(run.status())) {
            return ExitCodes.CANCELLED;
        }
        return PulumiRun.SUCCEEDED.equals(run.status()) ? ExitCodes.OK : ExitCodes.REFUSED;
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing is the point; the read ends either way
            }
        }
    }
}
