package io.labctl.repository.command;

import io.labctl.api.repository.BundleRepository;
import io.labctl.protocol.modules.RepoEntry;
import io.labctl.shell.LabCommand;
import io.labctl.shell.Table;
import java.io.PrintStream;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:repo: the bundle repository's entries as GET /api/v1/repo lists them (or those of one name). */
@Service
@Command(scope = "lab", name = "repo", description = "List the bundle repository: modules, features and artifacts.")
public class RepoCommand extends LabCommand {
    static final Capability REPOSITORY = new Capability("bundle repository", "labd-repository");
    /** Enough of a digest to tell entries apart at a glance; -o json of the CLI shows all of it. */
    static final int SHORT_DIGEST = 12;

    @Reference(optional = true)
    BundleRepository repository;

    @Argument(index = 0, name = "name", description = "only the versions of this entry", required = false)
    @Completion(RepoNames.class)
    String name;

    public RepoCommand() {
        super("shell.repo.list", false);
    }

    @Override
    protected String resource() {
        return RepoEntry.PATH.substring("/api".length());
    }

    @Override
    protected void run(PrintStream out) {
        List<RepoEntry> entries = need(repository, REPOSITORY).list().stream()
                .filter(e -> name == null || e.name().equals(name)).toList();
        Table t = new Table("NAME", "VERSION", "KIND", "SIZE", "SHA256", "UPLOADED", "BY");
        for (RepoEntry e : entries) {
            t.row(e.name(), e.version(), e.kind(), RepoEntry.humanSize(e.size()), e.sha256().substring(0, SHORT_DIGEST),
                    Table.ago(e.uploadedAt(), now()), e.uploadedBy());
        }
        out.print(!t.isEmpty() ? t.render() : name == null ? "The repository is empty.\n"
                : "The repository holds no entry named " + name + ".\n");
    }
}
