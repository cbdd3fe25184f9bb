package io.labctl.shell;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Gate;
import io.labctl.api.audit.AuditWriter;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.Permission;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The base of every {@code lab:} command, whichever capability bundle ships it (the shell SDK). A capability puts
 * its commands in its own {@code io.labctl.<area>.command} package, named in its manifest header
 * {@code Karaf-Commands}, so they come and go with its feature.
 *
 * <p>What every {@code lab:} command shares. Using the shell is itself a permission: the shell user maps to the
 * labctl user of the same name, which must be allowed {@code admin:*:*:*} by labd's one {@link Gate} (which audits
 * the refusal). Then the command's own check (the one
 * its REST route makes) and its work, audited as the REST front end audits: a state change and its row in one
 * transaction, a read's row after it ran, refusals on their own. Output is held back until the row is written,
 * so nothing is shown that the audit log does not record. Without access control or the audit trail every
 * command refuses (fail closed).
 */
@ConsumerType
public abstract class LabCommand implements org.apache.karaf.shell.api.action.Action {
    static final String SOURCE = "shell";
    /** What a shell user must be allowed: the shell reaches every capability, so it is for admins only. */
    static final Permission SHELL_ACCESS = Permission.everywhere(Action.ADMIN);

    /** A service a command needs: its name for people and the feature that installs it. */
    public record Capability(String name, String feature) {}

    public static final Capability REGISTRY = new Capability("server registry", "labd-registry");
    public static final Capability TOKENS = new Capability("join tokens", "labd-tokens");
    public static final Capability CA = new Capability("certificate authority", "labd-ca");
    public static final Capability RBAC = new Capability("access administration", "labd-rbac");
    public static final Capability AUDIT = new Capability("audit log", "labd-audit");

    @Reference(optional = true)
    AccessDecisions access;

    @Reference(optional = true)
    AuditWriter audit;

    @Reference(optional = true)
    Gate gate;

    @Reference
    Session session;

    /** Where results and errors go; null means the session's own streams (tests set their own). */
    PrintStream out;
    PrintStream err;
    Clock clock = Clock.systemUTC();

    private final String verb;
    private final boolean changesState;
    private Identity caller;

    /** verb names the command in the audit log ({@code shell.server.delete}); changesState picks how it is recorded. */
    protected LabCommand(String verb, boolean changesState) {
        this.verb = verb;
        this.changesState = changesState;
    }

    /**
     * What the command acts on, for the audit log: the path of its REST route ({@code /v1/servers/web-1}), so rows
     * of both sources line up; with the arguments REST takes as query or body ({@code /v1/servers?selector=env=lab}).
     */
    protected abstract String resource();

    /** The command's own check and work; what it prints is shown once its audit row is written. */
    protected abstract void run(PrintStream out) throws Exception;

    @Override
    public final Object execute() throws Exception {
        PrintStream stdout = out != null ? out : System.out;
        PrintStream stderr = err != null ? err : System.err;
        String output;
        try {
            output = perform();
        } catch (ApiException | IllegalArgumentException e) {
            // an answer for the operator, not a crash: the message names the fix, a stack trace would bury it
            stderr.println("Error: " + e.getMessage());
            stderr.flush();
            return null;
        }
        stdout.print(output);
        stdout.flush();
        return null;
    }

    private String perform() throws Exception {
        String command = commandName();
        if (access == null || gate == null) {
            throw ApiException.unavailable("access-control-unavailable", command + " refused: access control is not "
                    + "running, so every lab: command is refused; an administrator must start it "
                    + "(feature:install labd-rbac)");
        }
        if (audit == null) {
            throw ApiException.unavailable("audit-unavailable", command + " refused: the audit trail is not running, "
                    + "so every lab: command is refused (none could be recorded); an administrator must start it "
                    + "(feature:install labd-audit)");
        }
        String sessionId = ShellSessions.idOf(session);
        Identity who = ShellUser.current();
        if (who == null) {
            throw denied(new AuditWriter.Event("anonymous", sessionId, SOURCE, verb, resource()),
                    command + " refused: this shell session has no logged-in user, so it maps to no labctl user");
        }
        AuditWriter.Event event = new AuditWriter.Event(who.name(), sessionId, SOURCE, verb, resource());
        try {
            gate.admit(who, SHELL_ACCESS, event);
        } catch (ApiException refused) {
            throw refused.status() != 403 ? refused : ApiException.forbidden(refused.code(), command + " refused: "
                    + refused.getMessage() + ". The lab: commands are for labctl admins: shell user '" + who.name()
                    + "' acts as the labctl user of the same name, which must exist and be bound to a role that allows "
                    + SHELL_ACCESS);
        }
        caller = who;

        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream pending = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        if (changesState) {
            audit.change(event, () -> {
                run(pending);
                return null;
            });
        } else {
            long started = System.nanoTime();
            try {
                run(pending);
            } catch (Exception e) {
                String outcome = e instanceof ApiException api && (api.status() == 401 || api.status() == 403)
                        ? AuditEntry.DENIED : AuditEntry.FAILED;
                String error = e instanceof ApiException || e instanceof IllegalArgumentException
                        ? e.getMessage() : e.getClass().getName();
                try {
                    record(event, outcome, millisSince(started), error);
                } catch (RuntimeException unrecorded) {
                    e.addSuppressed(unrecorded);
                }
                throw e;
            }
            record(event, AuditEntry.OK, millisSince(started), null);
        }
        pending.flush();
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** Records a refusal; if it cannot be recorded, that is the error shown instead. */
    private ApiException denied(AuditWriter.Event event, String message) {
        record(event, AuditEntry.DENIED, 0L, message);
        return ApiException.forbidden("forbidden", message);
    }

    private void record(AuditWriter.Event event, String result, Long durationMs, String error) {
        try {
            audit.record(event, result, durationMs, error);
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ApiException.unavailable("audit-unavailable",
                    "the audit log cannot be written; labd refuses actions it cannot record");
        }
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** {@code lab:servers}, from the command's annotation. */
    final String commandName() {
        Command c = getClass().getAnnotation(Command.class);
        return c == null ? getClass().getSimpleName() : c.scope() + ":" + c.name();
    }

    // ---- for run(): the gate has passed, so access control and the audit trail are there

    /** The labctl user the shell user acts as. */
    protected final Identity caller() {
        return caller;
    }

    protected final AccessDecisions access() {
        return access;
    }

    protected final AuditWriter auditTrail() {
        return audit;
    }

    protected final Instant now() {
        return clock.instant();
    }

    /** The service, or a refusal naming the capability that is not installed. */
    protected final <T> T need(T service, Capability capability) {
        if (service == null) {
            throw new ApiException(501, "capability-not-installed", commandName() + " refused: the "
                    + capability.name() + " capability is not installed in this labd (feature:install "
                    + capability.feature() + ")");
        }
        return service;
    }

    /** The check the command's REST route makes: 403 naming what is missing, audited as a denial. */
    protected final void require(Permission request) {
        access.require(caller, request); // no row here: the command's own row records the refusal
    }

    /** For listings filtered per item, as their REST routes filter. */
    protected final boolean may(Permission request) {
        return access.decide(caller, request).allowed();
    }

    /** The gate of routes that filter per item: the action allowed somewhere. */
    protected final void requireSomewhere(Action action) {
        access.requireSomewhere(caller, action);
    }
}
