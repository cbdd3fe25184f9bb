package io.labctl.repository.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.repository.BundleRepository;
import io.labctl.api.repository.RepositoryUsage;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.Json;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.modules.ModuleDescriptor;
import io.labctl.protocol.modules.RepoEntry;
import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * labd's bundle repository in the database. A push is received into a temporary file (bounded, its SHA-256 computed
 * on the way), classified, then stored in chunks in one transaction: NAME/VERSION either appears whole or not at
 * all. Registered also under its own class, for this bundle's REST resource and shell command, which tell a new
 * entry from an unchanged one.
 */
@Component(service = {BundleRepository.class, RepositoryService.class}, configurationPid = "io.labctl.repository",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = RepositoryConfig.class)
public final class RepositoryService implements BundleRepository {
    /** Chunks of 1 MiB: a few round trips per module, and a bounded bite of memory on either side. */
    static final int CHUNK_BYTES = 1 << 20;
    static final Permission PUSH_AND_REMOVE = Permission.everywhere(Action.ADMIN);

    private final Database database;
    private final Sessions sessions;
    private final RepositorySettings settings;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AccessDecisions decisions;

    @Reference(service = RepositoryUsage.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile List<RepositoryUsage> usages = List.of();

    @Activate
    public RepositoryService(@Reference Database database,
            // present once the repository schema is current: the component waits for its migrations
            @Reference(target = "(labctl.schema=repository)") Schema schema, RepositoryConfig config) {
        this(database, RepositorySettings.of(config));
        new BuiltinImport(this).importFrom(settings.builtinDirectory());
    }

    RepositoryService(Database database, RepositorySettings settings) {
        this.database = database;
        this.sessions = database.sessions(EntryMapper.class);
        this.settings = settings;
    }

    long maxBytes() {
        return settings.maxBytes();
    }

    @Override
    public List<RepoEntry> list() {
        Comparator<RepoEntry> newestFirst = Comparator.comparing(RepoEntry::version, VersionOrder.OLDEST_FIRST).reversed();
        return sessions.mapper(EntryMapper.class, EntryMapper::all).stream().map(RepositoryService::entry)
                .sorted(Comparator.comparing(RepoEntry::name).thenComparing(newestFirst)).toList();
    }

    @Override
    public Optional<RepoEntry> find(String name, String version) {
        return row(name, version).map(RepositoryService::entry);
    }

    private Optional<EntryRow> row(String name, String version) {
        if (version != null) {
            return Optional.ofNullable(sessions.mapper(EntryMapper.class, m -> m.find(name, version)));
        }
        return sessions.mapper(EntryMapper.class, m -> m.versionsOf(name)).stream()
                .max(Comparator.comparing(r -> r.version, VersionOrder.OLDEST_FIRST));
    }

    @Override
    public InputStream open(String name, String version) throws IOException {
        EntryRow row = existing(name, version);
        return new ChunkedContent(sessions, row.id, row.size, name + "/" + row.version);
    }

    /** The row of NAME/VERSION, or 404 naming the versions there are. */
    EntryRow existing(String name, String version) {
        return row(name, version).orElseThrow(() -> notFound(name, version));
    }

    private ApiException notFound(String name, String version) {
        List<String> versions = sessions.mapper(EntryMapper.class, m -> m.versionsOf(name)).stream()
                .map(r -> r.version).sorted(VersionOrder.OLDEST_FIRST.reversed()).toList();
        String what = version == null ? name : name + "/" + version;
        return ApiException.notFound("repo-entry-not-found", "no " + what + " in the repository; "
                + (versions.isEmpty() ? "see 'labctl repo list'" : "versions of " + name + ": " + String.join(", ", versions)));
    }

    @Override
    public RepoEntry push(Identity caller, String fileName, InputStream content, String name, String version) {
        return pushed(caller, fileName, content, name, version).entry();
    }

    /** {@link #push}, saying whether this push stored the entry or found the same bytes there. */
    Pushed pushed(Identity caller, String fileName, InputStream content, String name, String version) {
        access().require(caller, PUSH_AND_REMOVE);
        try (Upload upload = receive(content)) {
            return store(upload, fileName, name, version, caller.name());
        }
    }

    /** The content in a temporary file, bounded by the limit (413 above it), its SHA-256 computed on the way. */
    Upload receive(InputStream content) {
        return Upload.receive(content, settings.maxBytes(), settings.tempDirectory());
    }

    /** Classifies and stores what was received; the same bytes under the same NAME/VERSION change nothing. */
    Pushed store(Upload upload, String fileName, String name, String version, String uploadedBy) {
        Classified what = ContentClassifier.classify(fileName, upload.file(), name, version);
        return database.transaction(() -> sessions.mapper(EntryMapper.class, m -> {
            EntryRow existing = m.find(what.name(), what.version());
            if (existing == null) {
                EntryRow row = newRow(what, upload, fileName, uploadedBy);
                if (m.insert(row) == 1) {
                    writeChunks(m, row.id, upload);
                    return new Pushed(entry(m.find(what.name(), what.version())), true);
                }
                existing = m.find(what.name(), what.version());  // pushed by another labd a moment ago
            }
            if (existing.sha256.equals(upload.sha256())) {
                return new Pushed(entry(existing), false);
            }
            throw ApiException.conflict("repo-entry-exists", what.name() + "/" + what.version() + " is already in the"
                    + " repository with other content (sha256 " + existing.sha256 + ", pushed by " + existing.uploadedBy
                    + "; this file's is " + upload.sha256() + "). Entries never change: push it under a new version");
        }));
    }

    private static EntryRow newRow(Classified what, Upload upload, String fileName, String uploadedBy) {
        EntryRow row = new EntryRow();
        row.name = what.name();
        row.version = what.version();
        row.kind = what.kind();
        row.sha256 = upload.sha256();
        row.size = upload.size();
        row.fileName = fileName;
        row.descriptor = what.descriptor() == null ? null : json(what.descriptor());
        row.uploadedBy = uploadedBy;
        return row;
    }

    private static void writeChunks(EntryMapper m, long entryId, Upload upload) {
        try (InputStream in = upload.open()) {
            byte[] buffer = new byte[CHUNK_BYTES];
            for (int seq = 0; ; seq++) {
                int n = in.readNBytes(buffer, 0, CHUNK_BYTES);
                if (n == 0) {
                    return;
                }
                m.insertChunk(entryId, seq, n == CHUNK_BYTES ? buffer : java.util.Arrays.copyOf(buffer, n));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read back the received file: " + e.getMessage(), e);
        }
    }

    @Override
    public void remove(Identity caller, String name, String version) {
        removed(caller, name, version);
    }

    /** {@link #remove}, returning the entry that was removed. */
    RepoEntry removed(Identity caller, String name, String version) {
        access().require(caller, PUSH_AND_REMOVE);
        if (version == null) {
            throw ApiException.badRequest("version-needed", "give the version to remove: NAME/VERSION");
        }
        EntryRow row = existing(name, version);
        for (RepositoryUsage usage : usages) {
            Optional<String> user = usage.usedBy(name, version);
            if (user.isPresent()) {
                throw ApiException.conflict("repo-entry-in-use", name + "/" + version + " is in use and stays: "
                        + user.get() + ". Remove that use first");
            }
        }
        sessions.mapper(EntryMapper.class, m -> m.delete(row.id));
        return entry(row);
    }

    private AccessDecisions access() {
        return AccessDecisions.present(decisions);
    }

    static RepoEntry entry(EntryRow r) {
        ModuleDescriptor descriptor = null;
        if (r.descriptor != null) {
            try {
                descriptor = Json.json().readValue(r.descriptor, ModuleDescriptor.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the descriptor of " + r.name + "/" + r.version
                        + " in repo_entries is not valid JSON", e);
            }
        }
        return new RepoEntry(r.name, r.version, r.kind, r.sha256, r.size, r.uploadedBy, r.uploadedAt, descriptor);
    }

    private static String json(ModuleDescriptor descriptor) {
        try {
            return Json.json().writeValueAsString(descriptor);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
