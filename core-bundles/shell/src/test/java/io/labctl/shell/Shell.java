package io.labctl.shell.command;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedExceptionAction;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;

/** Runs a command as Karaf's shell does: inside Subject.doAs of the JAAS login, with captured output. */
final class Shell {
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    record Result(String out, String err) {}

    private Shell() {}

    static Subject login(String user) {
        Subject s = new Subject();
        s.getPrincipals().add(new UserPrincipal(user));
        s.getPrincipals().add(new RolePrincipal("admin")); // Karaf's own role: no labctl permission by itself
        return s;
    }

    /** Runs as the shell user; null runs with no login at all. */
    @SuppressWarnings("removal")
    static Result run(LabCommand command, String user) throws Exception {
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
}
