package io.labctl.modules.internal;

import io.labctl.api.AgentChannels;
import io.labctl.api.AgentStream;
import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.Sealer;
import io.labctl.api.repository.BundleRepository;
import io.labctl.protocol.Json;
import io.labctl.protocol.modules.ModuleDescriptor;
import io.labctl.protocol.modules.ModuleReport;
import io.labctl.protocol.modules.RepoEntry;
import io.labctl.protocol.modules.ResourceResult;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Test doubles of the services only the modules capability uses; the registry, access control and audit trail doubles
 * are the shell SDK's test-jar's (InMemoryServerRegistry, FakeAccessControl, RecordingAuditTrail).
 */
final class Fakes {
    private Fakes() {}

    static ModulesConfig config(int parallelism) {
        Map<String, Object> values = Map.of("parallelism", parallelism, "runTimeoutSeconds", 30);
        return (ModulesConfig) Proxy.newProxyInstance(ModulesConfig.class.getClassLoader(), new Class<?>[] {ModulesConfig.class},
                (p, m, a) -> values.containsKey(m.getName()) ? values.get(m.getName()) : m.getDefaultValue());
    }

    /**
     * A module with inputs {@code path} (string, default /etc/app.conf), {@code port} (integer, default 80) and the
     * secret {@code token}; roles: the module's targets (none: any server).
     */
    static RepoEntry module(String name, String version, String... roles) {
        LinkedHashMap<String, ModuleDescriptor.InputSpec> inputs = new LinkedHashMap<>();
        inputs.put("path", new ModuleDescriptor.InputSpec("string", "/etc/app.conf", "where", false, false));
        inputs.put("port", new ModuleDescriptor.InputSpec("integer", 80, "port", false, false));
        inputs.put("token", new ModuleDescriptor.InputSpec("string", null, "join token", true, false));
        ModuleDescriptor d = new ModuleDescriptor(name, version, "test module " + name,
                new ModuleDescriptor.Targets(List.of(roles), null), List.of(), inputs);
        return new RepoEntry(name, version, "module", "ab".repeat(32), 100, "admin", Instant.now(), d);
    }

    /** Repository with fixed entries. */
    static final class Repository implements BundleRepository {
        final List<RepoEntry> entries = new CopyOnWriteArrayList<>();

        @Override
        public List<RepoEntry> list() {
            return entries;
        }

        @Override
        public Optional<RepoEntry> find(String name, String version) {
            return entries.stream().filter(e -> e.name().equals(name) && (version == null || e.version().equals(version)))
                    .max(Comparator.comparing(e -> org.osgi.framework.Version.parseVersion(e.version())));
        }

        @Override
        public InputStream open(String name, String version) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RepoEntry push(Identity caller, String fileName, InputStream content, String name, String version) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void remove(Identity caller, String name, String version) {
            throw new UnsupportedOperationException();
        }
    }

    /** A reversible sealing that is not clear text and that refuses a wrong purpose, as the real one does. */
    static final class XorSealer implements Sealer {
        @Override
        public byte[] seal(byte[] plaintext, String purpose) {
            byte[] p = (purpose + "|").getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[p.length + plaintext.length];
            System.arraycopy(p, 0, out, 0, p.length);
            for (int i = 0; i < plaintext.length; i++) {
                out[p.length + i] = (byte) (plaintext[i] ^ 0x5a);
            }
            return out;
        }

        @Override
        public byte[] open(byte[] sealed, String purpose) {
            byte[] p = (purpose + "|").getBytes(StandardCharsets.UTF_8);
            if (sealed.length < p.length || !new String(sealed, 0, p.length, StandardCharsets.UTF_8).equals(purpose + "|")) {
                throw new IllegalStateException("wrong purpose");
            }
            byte[] out = new byte[sealed.length - p.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) (sealed[p.length + i] ^ 0x5a);
            }
            return out;
        }
    }

    /**
     * Agents: each server answers a module stream with the report its behaviour gives (default: everything changed on
     * apply, unchanged on plan), records the OPEN parameters it got, and how many ran at once.
     */
    static final class Agents implements AgentChannels {
        record Call(String server, Map<String, Object> params) {}

        final List<Call> calls = new CopyOnWriteArrayList<>();
        final Map<String, Function<Map<String, Object>, ModuleReport>> behaviour = new ConcurrentHashMap<>();
        final Map<String, ApiException> errors = new ConcurrentHashMap<>();
        final List<String> order = Collections.synchronizedList(new ArrayList<>());
        volatile long delayMillis;
        private int running;
        int maxRunning;

        @Override
        public CompletableFuture<Reply> call(String server, String kind, Map<String, Object> params, int maxOutputBytes,
                                             Duration timeout) {
            calls.add(new Call(server, params));
            synchronized (this) {
                running++;
                maxRunning = Math.max(maxRunning, running);
            }
            order.add("start " + server);
            try {
                if (delayMillis > 0) {
                    Thread.sleep(delayMillis);
                }
                ApiException error = errors.get(server);
                if (error != null) {
                    return CompletableFuture.failedFuture(error);
                }
                ModuleReport report = behaviour.getOrDefault(server, Agents::changedOnApply).apply(params);
                return CompletableFuture.completedFuture(new Reply(Json.json().writeValueAsBytes(report), report.failed() > 0 ? 1 : 0));
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            } finally {
                order.add("end " + server);
                synchronized (this) {
                    running--;
                }
            }
        }

        static ModuleReport changedOnApply(Map<String, Object> params) {
            boolean plan = "plan".equals(params.get("action"));
            return report(params, plan ? ResourceResult.UNCHANGED : ResourceResult.CHANGED);
        }

        static ModuleReport report(Map<String, Object> params, String status) {
            ResourceResult r = new ResourceResult("file:/etc/app.conf", status,
                    ResourceResult.CHANGED.equals(status) ? "content changed" : null,
                    ResourceResult.FAILED.equals(status) ? "disk full" : null);
            return new ModuleReport(null, (String) params.get("module"), (String) params.get("version"),
                    (String) params.get("action"), (String) params.get("runId"), List.of(r),
                    status.equals(ResourceResult.CHANGED) ? 1 : 0, status.equals(ResourceResult.FAILED) ? 1 : 0, 0,
                    status.equals(ResourceResult.UNCHANGED) ? 1 : 0, null, Instant.now(), Instant.now());
        }

        List<Call> callsTo(String server) {
            return calls.stream().filter(c -> c.server().equals(server)).toList();
        }

        @Override
        public AgentStream open(String server, String kind, Map<String, Object> params, int credit, AgentStream.Listener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public io.labctl.api.web.SocketListener bridge(io.labctl.api.web.StreamSession session,
                                                       io.labctl.api.web.SocketConnection client, String kind,
                                                       Function<Map<String, Object>, Checked> check) {
            throw new UnsupportedOperationException();
        }
    }

    static Map<String, Object> linked(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
