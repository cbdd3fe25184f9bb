package io.labctl.api.repository;

import io.labctl.api.Identity;
import io.labctl.protocol.modules.RepoEntry;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * labd's bundle repository. Entries are immutable: NAME/VERSION always names the same bytes; pushing other content
 * under it is refused (409) and pushing the same content again changes nothing.
 */
@ProviderType
public interface BundleRepository {

    /** Every entry, by name, then newest version first. */
    List<RepoEntry> list();

    /** The entry NAME/VERSION; with version null, the newest version of NAME by OSGi version order. */
    Optional<RepoEntry> find(String name, String version);

    /** The bytes of NAME/VERSION (404 ApiException if there is no such entry); the caller closes the stream. */
    InputStream open(String name, String version) throws IOException;

    /**
     * Stores {@code content} (read once, streamed, bounded by the configured limit: 413 above it). Name and version
     * null for a module jar: they come from its module.yaml; a feature or artifact needs both. The caller needs
     * admin (403 otherwise). Returns the entry as stored; the same content under the same NAME/VERSION returns the
     * existing entry unchanged, other content under it is refused with 409.
     */
    RepoEntry push(Identity caller, String fileName, InputStream content, String name, String version);

    /** Removes NAME/VERSION (admin only); refused with 409 naming the user while a {@link RepositoryUsage} uses it. */
    void remove(Identity caller, String name, String version);
}
