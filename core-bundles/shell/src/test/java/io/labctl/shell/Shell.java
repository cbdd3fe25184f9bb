package io.labctl.shell;

import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.DecidingGate;
import io.labctl.api.audit.AuditWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedAction;
import java.security.PrivilegedExceptionAction;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.CommandLine;

/**
 * Runs a command as Karaf's shell does: inside Subject.doAs of the JAAS login, with captured output. In the
 * shell SDK's test jar, so every capability tests its lab: commands the same way, with the services Karaf would
 * inject set by {@link #wire}.
 */
public final class Shell {
    public static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    public record Result(String out, String err) {}

    private Shell() {}

    public static Subject login(String user) {
        Subject s = new Subject();
        s.getPrincipals().add(new UserPrincipal(user));
        s.getPrincipals().add(new RolePrincipal("admin")); // Karaf's own role: no labctl permission by itself
        return s;
    }

    /**
     * What Karaf injects into every lab: command: access decisions, the audit trail (either may be null) and, when
     * both are there, the gate over them.
     */
    public static <T extends LabCommand> T wire(T command, AccessDecisions access, AuditWriter audit) {
        command.access = access;
        command.audit = audit;
        command.gate = access == null || audit == null ? null : new DecidingGate(access, audit);
        return command;
    }

    /** What Karaf injects into a completer. */
    public static <T extends NameCompleter> T wire(T completer, AccessDecisions access) {
        completer.access = access;
        return completer;
    }

    /** Runs as the shell user; null runs with no login at all. */
    @SuppressWarnings("removal")
    public static Result run(LabCommand command, String user) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        command.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        if (user == null) {
            command.execute();
        } else {
            Subject.doAs(login(user), (PrivilegedExceptionAction<Object>) command::execute);
        }
        return new Result(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Tab completion as the shell user, the cursor at the end of the last argument; the candidates offered. */
    @SuppressWarnings("removal")
    public static List<String> complete(NameCompleter completer, String user, String... arguments) {
        List<String> candidates = new ArrayList<>();
        Line line = new Line(String.join(" ", arguments), arguments);
        Subject.doAs(login(user), (PrivilegedAction<Integer>) () -> completer.complete(null, line, candidates));
        return candidates.stream().map(String::strip).toList();
    }

    /** Test double of Karaf's parsed command line: the cursor at the end of the last argument. */
    private record Line(String buffer, String... arguments) implements CommandLine {
        @Override
        public int getCursorArgumentIndex() {
            return arguments.length - 1;
        }

        @Override
        public String getCursorArgument() {
            return arguments[arguments.length - 1];
        }

        @Override
        public int getArgumentPosition() {
            return getCursorArgument().length();
        }

        @Override
        public String[] getArguments() {
            return arguments;
        }

        @Override
        public int getBufferPosition() {
            return buffer.length();
        }

        @Override
        public String getBuffer() {
            return buffer;
        }
    }
}
