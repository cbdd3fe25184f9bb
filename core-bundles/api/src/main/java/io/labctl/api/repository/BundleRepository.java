package io.labctl.api.repository;

import io.labctl.api.Identity;
import io.labctl.protocol.modules.RepoEntry;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** labd's repository of module bundles, features and artifacts. */
@ProviderType
public interface BundleRepository {
    List<RepoEntry> list();

    /** version null: the newest by OSGi version order. */
    Optional<RepoEntry> find(String name, String version);

    InputStream open(String name, String version) throws IOException;

    RepoEntry push(Identity caller, String fileName, InputStream content, String name, String version);

    void remove(Identity caller, String name, String version);
}
