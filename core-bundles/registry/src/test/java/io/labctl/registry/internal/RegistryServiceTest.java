package io.labctl.registry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import io.labctl.api.JoinTokens;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Decision;
import io.labctl.persistence.Database;
import io.labctl.persistence.internal.TestDatabases;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.Selector;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry against a real PostgreSQL: enrolment records, selectors, presence and batched last-seen writes. */
class RegistryServiceTest {
    @TempDir
    static Path dir;
    static Database db;
    static io.labctl.persistence.Schema schema;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabases.start(dir.resolve("pg"));
        schema = TestDatabases.schema(db, "registry");
    }

    @AfterAll
    static void stop() throws Exception {
        TestDatabases.stop(db);
    }

    static RegistryConfig config(int offlineAfter, int flushEvery) {
        return (RegistryConfig) Proxy.newProxyInstance(RegistryConfig.class.getClassLoader(), new Class<?>[] {RegistryConfig.class},
                (p, m, a) -> switch (m.getName()) {
                    case "offlineAfterSeconds" -> offlineAfter;
                    case "lastSeenFlushSeconds" -> flushEvery;
                    default -> m.getDefaultValue();
                });
    }

    static X509Certificate cert(String name) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        KeyPair k = g.generateKeyPair();
        X500Name subject = new X500Name("CN=" + name);
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(name.hashCode() & 0xffff),
                new Date(), new Date(System.currentTimeMillis() + 3_600_000), subject, k.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(k.getPrivate())));
    }

    static JoinTokens.Grant grant(String env, String role, Map<String, String> labels) {
        return new JoinTokens.Grant(UUID.randomUUID(), "baremetal", env, role, labels);
    }

    static int lastSeenWrites(String name) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT last_seen FROM servers WHERE name = '" + name + "'")) {
            rs.next();
            return rs.getTimestamp(1) == null ? 0 : 1;
        }
    }

    @Test
    void enrolledServersCarryTheTokensScopeAndAnswerSelectors() throws Exception {
        RegistryService registry = new RegistryService(db, schema, config(15, 3600));
        try {
            registry.enrolled("sel-a", grant("sel-lab", "worker", Map.of("rack", "r1")), cert("sel-a"));
            registry.enrolled("sel-b", grant("prod", "infra", Map.of()), cert("sel-b"));
            assertTrue(registry.isEnrolled("sel-a"));
            List<String> lab = registry.list(Selector.parse("env=sel-lab")).stream().map(ServerInfo::name).toList();
            assertEquals(List.of("sel-a"), lab);
            assertEquals(List.of("sel-b"), registry.list(Selector.parse("role=infra,name=sel-b")).stream().map(ServerInfo::name).toList());
            ServerInfo a = registry.find("sel-a").orElseThrow();
            assertEquals(ServerInfo.NEVER_CONNECTED, a.status());
            assertEquals(Map.of("rack", "r1"), a.labels());
            assertNotNull(a.certificateSerial());
        } finally {
            registry.deactivate();
        }
    }

    /** What environments are told is in one: servers, and bastions (role bastion) apart, with counts and names. */
    @Test
    void serversAndBastionsOfAnEnvironmentAreCountedAndNamed() throws Exception {
        RegistryService registry = new RegistryService(db, schema, config(15, 3600));
        try {
            registry.enrolled("in-w2", grant("in-env", "worker", Map.of()), cert("in-w2"));
            registry.enrolled("in-w1", grant("in-env", null, Map.of()), cert("in-w1"));
            registry.enrolled("in-b", grant("in-env", "bastion", Map.of()), cert("in-b"));
            registry.enrolled("out-w", grant("in-other", "worker", Map.of()), cert("out-w"));
            ServersInEnvironments in = new ServersInEnvironments(db, schema);
            assertEquals(List.of(new io.labctl.protocol.environments.EnvironmentInfo.Contents("bastions", 1, List.of("in-b")),
                    new io.labctl.protocol.environments.EnvironmentInfo.Contents("servers", 2, List.of("in-w1"))),
                    in.in("in-env", 1), "the first names only, sorted, and how many in all");
            assertEquals(0, in.in("nowhere", 20).get(1).count());
        } finally {
            registry.deactivate();
        }
    }

    @Test
    void selectorsSeeTheFactsAgentsReport() throws Exception {
        RegistryService registry = new RegistryService(db, schema, config(60, 3600));
        try {
            registry.enrolled("facts-a", grant("facts", "worker", Map.of("os", "windows")), cert("facts-a"));
            registry.enrolled("facts-b", grant("facts", "worker", Map.of()), cert("facts-b"));
            registry.connected("facts-a", new HostFacts("facts-a", "Debian GNU/Linux 12 (bookworm)", "6.1.0", "amd64", 8,
                    16L << 30, List.of(), "0.1.0", List.of(), "debian", "12"));
            registry.connected("facts-b", new HostFacts("facts-b", "Rocky Linux 9.4", "5.14.0", "amd64", 2,
                    4L << 30, List.of(), "0.1.0", List.of(), "rocky", "9.4"));
            assertEquals(List.of("facts-a"), names(registry.list(Selector.parse("env=facts,os=debian,os.version=12"))));
            assertEquals(List.of("facts-b"), names(registry.list(Selector.parse("env=facts,memory<8"))));
            assertEquals(List.of("facts-a"), names(registry.list(Selector.parse("env=facts,cpus>=4,memory>=16"))));
            assertEquals(List.of(), names(registry.list(Selector.parse("env=facts,os=windows"))), "a label cannot pose as a fact");
        } finally {
            registry.deactivate();
        }
    }

    private static List<String> names(List<ServerInfo> servers) {
        return servers.stream().map(ServerInfo::name).sorted().toList();
    }

    @Test
    void presenceIsInMemoryAndLastSeenIsWrittenInBatches() throws Exception {
        RegistryService registry = new RegistryService(db, schema, config(1, 3600));
        try {
            registry.enrolled("beat", grant("lab", "worker", Map.of()), cert("beat"));
            HostFacts facts = new HostFacts("beat", "Debian", "6.1", "amd64", 2, 1L << 30, List.of("10.0.0.9"), "0.1.0", List.of());
            registry.connected("beat", facts);
            assertEquals(ServerInfo.ONLINE, registry.find("beat").orElseThrow().status());
            assertEquals("Debian", registry.find("beat").orElseThrow().facts().os(), "facts stored on connect");

            // heartbeats without new facts touch memory only; the flush writes them in one statement
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE servers SET last_seen = NULL WHERE name = 'beat'");
            }
            registry.heartbeat("beat", null);
            assertEquals(0, lastSeenWrites("beat"), "no write per heartbeat");
            registry.flush();
            assertEquals(1, lastSeenWrites("beat"), "written by the batch flush");

            Thread.sleep(1500);  // past offlineAfterSeconds = 1 without a heartbeat
            assertEquals(ServerInfo.OFFLINE, registry.find("beat").orElseThrow().status());
            registry.heartbeat("beat", null);
            assertEquals(ServerInfo.ONLINE, registry.find("beat").orElseThrow().status());
            registry.disconnected("beat");
            assertEquals(ServerInfo.OFFLINE, registry.find("beat").orElseThrow().status());
        } finally {
            registry.deactivate();
        }
    }

    @Test
    void anotherLabdInstanceSeesWhoHoldsTheConnection() throws Exception {
        RegistryService holder = new RegistryService(db, schema, config(15, 10));
        RegistryService other = new RegistryService(db, schema, config(15, 10));
        try {
            holder.enrolled("shared", grant("lab", "worker", Map.of()), cert("shared"));
            holder.connected("shared", new HostFacts("shared", "Debian", "6.1", "amd64", 2, 1L << 30, List.of(), "0.1.0", List.of()));
            assertEquals(ServerInfo.ONLINE, other.find("shared").orElseThrow().status(), "held by the first instance");
            holder.disconnected("shared");
            assertEquals(ServerInfo.OFFLINE, other.find("shared").orElseThrow().status(), "released on disconnect");
        } finally {
            holder.deactivate();
            other.deactivate();
        }
    }

    @Test
    void deletingAServerRemovesItAndItsAgent() throws Exception {
        RegistryService registry = new RegistryService(db, schema, config(15, 3600));
        try {
            registry.enrolled("gone", grant("lab", "worker", Map.of()), cert("gone"));
            assertTrue(registry.delete("gone"));
            assertTrue(registry.find("gone").isEmpty());
            assertTrue(!registry.isEnrolled("gone"));
            assertTrue(!registry.delete("gone"));
            assertNull(registry.find("gone").orElse(null));
        } finally {
            registry.deactivate();
        }
    }

    /** Access decisions over allow rules per user name: only the per-server checks of the registry ask. */
    static AccessDecisions allowing(Map<String, List<String>> rules, RegistryService registry) {
        return new AccessDecisions() {
            @Override
            public Decision decide(Identity subject, Permission request) {
                return rules.getOrDefault(subject.name(), List.of()).stream().map(Permission::parse)
                        .anyMatch(p -> p.covers(request)) ? Decision.allow("test rule") : Decision.deny("no rule allows it");
            }

            @Override
            public boolean holdsAnywhere(Identity subject, Action action) {
                return false;
            }

            @Override
            public Permission onServer(Action action, String serverName) {
                return registry.find(serverName).map(s -> Permission.on(action, s.cloud(), s.environment(), s.name()))
                        .orElse(Permission.on(action, null, null, serverName));
            }

            @Override
            public List<String> logPathsOf(Identity subject) {
                return List.of();
            }

            @Override
            public List<String> rolesOf(Identity subject) {
                return List.of();
            }
        };
    }

    /** The checks REST and the shell once made for themselves: read on each server to list it, manage to remove it. */
    @Test
    void listingAndRemovingCheckTheCallerOnEachServer() throws Exception {
        RegistryService registry = new RegistryService(db, schema, config(15, 3600));
        List<String> revoked = new ArrayList<>();
        registry.ca = (CertificateAuthority) Proxy.newProxyInstance(CertificateAuthority.class.getClassLoader(),
                new Class<?>[] {CertificateAuthority.class}, (p, m, a) -> {
                    if (m.getName().equals("revokeAll")) {
                        revoked.add(a[0] + " (" + a[1] + ")");
                        return 1;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        Identity olga = new Identity(Identity.Kind.USER, "olga");
        try {
            registry.enrolled("acl-lab", grant("acl-lab", "worker", Map.of()), cert("acl-lab"));
            registry.enrolled("acl-prod", grant("acl-prod", "worker", Map.of()), cert("acl-prod"));
            assertEquals(503, assertThrows(ApiException.class, () -> registry.list(olga, Selector.everything())).status(),
                    "without access control callers are refused");
            registry.decisions = io.labctl.api.LazyService.of(allowing(Map.of("olga",
                    List.of("read:baremetal:acl-lab:*", "manage:baremetal:acl-lab:*")), registry));

            assertEquals(List.of("acl-lab"), registry.list(olga, Selector.parse("role=worker")).stream()
                    .map(ServerInfo::name).filter(n -> n.startsWith("acl-")).toList());
            ApiException refused = assertThrows(ApiException.class, () -> registry.remove(olga, "acl-prod"));
            assertEquals(403, refused.status());
            assertTrue(refused.getMessage().startsWith("user/olga may not manage on baremetal:acl-prod:acl-prod"),
                    refused.getMessage());
            assertTrue(revoked.isEmpty() && registry.find("acl-prod").isPresent(), "a refused removal changes nothing");

            assertEquals(1, registry.remove(olga, "acl-lab"));
            assertEquals(List.of("agent/acl-lab (server deleted)"), revoked);
            assertTrue(registry.find("acl-lab").isEmpty());
        } finally {
            registry.deactivate();
        }
    }
}
