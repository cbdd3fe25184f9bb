package io.labctl.sources.internal;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.Sealer;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Decision;
import io.labctl.api.audit.AuditWriter;
import io.labctl.api.repository.BundleRepository;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.modules.RepoEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/** Test doubles for the services labd's other bundles give this one. */
final class Fakes {
    static final Identity ADMIN = new Identity(Identity.Kind.USER, "admin");
    static final Identity VIEWER = new Identity(Identity.Kind.USER, "viewer");

    private Fakes() {}

    /** admin holds everything, viewer only read, anyone else nothing. */
    static final class Access implements AccessDecisions {
        /** Identities whose access has ended (a user deleted or unbound): denied everything. */
        final java.util.Set<Identity> revoked = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public Decision decide(Identity subject, Permission request) {
            if (revoked.contains(subject)) {
                return Decision.deny(subject.name() + "'s access has ended");
            }
            if (ADMIN.equals(subject)) {
                return Decision.allow("admin");
            }
            if (VIEWER.equals(subject) && request.actionOrNull() == Action.READ) {
                return Decision.allow("viewer");
            }
            return Decision.deny("no role of " + subject.name() + " allows " + request);
        }

        @Override
        public boolean holdsAnywhere(Identity subject, Action action) {
            return ADMIN.equals(subject) || VIEWER.equals(subject) && action == Action.READ;
        }

        @Override
        public Permission onServer(Action action, String serverName) {
            return Permission.on(action, null, null, serverName);
        }

        @Override
        public List<String> logPathsOf(Identity subject) {
            return List.of();
        }

        @Override
        public List<String> rolesOf(Identity subject) {
            return List.of();
        }
    }

    /** AES-GCM with a key of the test's own, the purpose as associated data: as labd's master-key sealer does. */
    static final class AesSealer implements Sealer {
        private final SecretKey key;
        private final SecureRandom random = new SecureRandom();

        AesSealer() throws GeneralSecurityException {
            KeyGenerator g = KeyGenerator.getInstance("AES");
            g.init(256);
            key = g.generateKey();
        }

        @Override
        public byte[] seal(byte[] plaintext, String purpose) {
            try {
                byte[] iv = new byte[12];
                random.nextBytes(iv);
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
                c.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
                byte[] sealed = c.doFinal(plaintext);
                return ByteBuffer.allocate(12 + sealed.length).put(iv).put(sealed).array();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public byte[] open(byte[] sealed, String purpose) {
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, 12));
                c.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
                return c.doFinal(sealed, 12, sealed.length - 12);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot open a sealed value", e);
            }
        }
    }

    /** The audit rows written, in order. */
    static final class Audit implements AuditWriter {
        record Row(Event event, String result, String error, String detail) {}

        final List<Row> rows = new CopyOnWriteArrayList<>();

        @Override
        public <T> T change(Event event, java.util.concurrent.Callable<T> work) throws Exception {
            T t = work.call();
            rows.add(new Row(event, "ok", null, null));
            return t;
        }

        @Override
        public void record(Event event, String result, Long durationMs, String error) {
            rows.add(new Row(event, result, error, null));
        }

        @Override
        public void record(Event event, String result, Long durationMs, String error, String detail) {
            rows.add(new Row(event, result, error, detail));
        }
    }

    /**
     * A repository that keeps what was pushed: NAME/VERSION from the jar's module.yaml (the real one's checks are
     * the repository bundle's own, tested there and end to end).
     */
    static final class Repository implements BundleRepository {
        record Pushed(RepoEntry entry, byte[] bytes) {}

        private static final Pattern FIELD = Pattern.compile("(?m)^(name|version):\\s*(\\S+)");
        final List<Pushed> pushed = new CopyOnWriteArrayList<>();

        @Override
        public List<RepoEntry> list() {
            return pushed.stream().map(Pushed::entry).toList();
        }

        @Override
        public Optional<RepoEntry> find(String name, String version) {
            return list().stream().filter(e -> e.name().equals(name) && (version == null || e.version().equals(version))).findFirst();
        }

        @Override
        public InputStream open(String name, String version) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RepoEntry push(Identity caller, String fileName, InputStream content, String name, String version) {
            try {
                byte[] bytes = content.readAllBytes();
                String yaml = null;
                try (JarInputStream jar = new JarInputStream(new java.io.ByteArrayInputStream(bytes))) {
                    for (ZipEntry e = jar.getNextEntry(); e != null; e = jar.getNextEntry()) {
                        if (e.getName().equals("module.yaml")) {
                            yaml = new String(jar.readAllBytes(), StandardCharsets.UTF_8);
                        }
                    }
                }
                if (yaml == null) {
                    throw ApiException.badRequest("invalid-module", fileName + " has no module.yaml");
                }
                String n = null;
                String v = null;
                Matcher m = FIELD.matcher(yaml);
                while (m.find()) {
                    if (m.group(1).equals("name")) {
                        n = m.group(2);
                    } else {
                        v = m.group(2);
                    }
                }
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
                for (Pushed p : pushed) {
                    if (p.entry().name().equals(n) && p.entry().version().equals(v) && !p.entry().sha256().equals(sha)) {
                        throw ApiException.conflict("repo-entry-exists", n + "/" + v + " is already in the repository with"
                                + " other content. Entries never change: push it under a new version");
                    }
                }
                RepoEntry entry = new RepoEntry(n, v, RepoEntry.MODULE, sha, bytes.length, caller.name(), Instant.now(), null);
                pushed.add(new Pushed(entry, bytes));
                return entry;
            } catch (IOException | java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void remove(Identity caller, String name, String version) {
            throw new UnsupportedOperationException();
        }
    }
}
