package io.labctl.shell;

import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import java.util.Collection;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The base of the lab: commands' completers (the shell SDK): tab completion of names. Names are labd's data, so
 * they are offered only to shell users the lab: commands would admit; completion is not audited (every tab press would be a row) and never fails the console.
 */
@ConsumerType
public abstract class NameCompleter implements Completer {
    @Reference(optional = true)
    AccessDecisions access;

    /** The names to offer; the caller already passed the shell gate. */
    protected abstract Collection<String> names();

    /** Static candidates (action names) need no gate. */
    protected boolean gated() {
        return true;
    }

    /** The labctl user the shell user acts as (names are listed as that user may see them). */
    protected final Identity caller() {
        return ShellUser.current();
    }

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        Collection<String> names;
        try {
            if (gated() && !shellAdmin()) {
                return -1;
            }
            names = names();
        } catch (RuntimeException e) {
            return -1;
        }
        return new StringsCompleter(names).complete(session, commandLine, candidates);
    }

    private boolean shellAdmin() {
        Identity who = ShellUser.current();
        return access != null && who != null && access.decide(who, LabCommand.SHELL_ACCESS).allowed();
    }
}
