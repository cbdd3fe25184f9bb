package io.labctl.repository.command;

import io.labctl.api.repository.BundleRepository;
import io.labctl.protocol.modules.RepoEntry;
import io.labctl.shell.NameCompleter;
import java.util.Collection;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Completes the names of the repository's entries (modules, features, artifacts), each once. */
@Service
public class RepoNames extends NameCompleter {
    @Reference(optional = true)
    BundleRepository repository;

    @Override
    protected Collection<String> names() {
        return repository == null ? List.of() : repository.list().stream().map(RepoEntry::name).distinct().toList();
    }
}
