package io.labctl.provisioning.internal;

import io.labctl.protocol.access.Permission;
import io.labctl.protocol.access.Action;
import io.labctl.api.access.Decision;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.Identity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.CertificateAuthority;
import io.labctl.api.JoinTokens;
import io.labctl.api.ServerRegistry;
import io.labctl.persistence.Database;
import io.labctl.persistence.internal.TestDatabases;
import io.labctl.protocol.JoinTokenString;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.provision.BootReport;
import io.labctl.protocol.provision.InstallerGrant;
import io.labctl.protocol.provision.MachineInfo;
import io.labctl.protocol.provision.PlanRequest;
import io.labctl.environments.internal.EnvironmentService;
import io.labctl.tokens.internal.TokenService;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provisioning state against a real PostgreSQL and the real join tokens. */
class ProvisioningServiceTest {
    @TempDir
    static Path dir;
    static Database db;
    static TokenService tokens;
    static io.labctl.persistence.Schema schema;
    static final Set<String> enrolled = new HashSet<>();
    static final List<String> revoked = new ArrayList<>();
    ProvisioningService provisioning;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabases.start(dir.resolve("pg"));
        tokens = new TokenService(db, TestDatabases.schema(db, "tokens"), double_(CertificateAuthority.class, Map.of("caPin", a -> "0f".repeat(32))));
        // a token's environment must still exist when it is redeemed: the bastion's, as labd keeps it
        EnvironmentService environments = new EnvironmentService(db, TestDatabases.schema(db, "environments"));
        environments.create("lab", "baremetal", "admin");
        // as DS injects it (the field is the tokens bundle's own)
        java.lang.reflect.Field f = TokenService.class.getDeclaredField("environments");
        f.setAccessible(true);
        f.set(tokens, environments);
        schema = TestDatabases.schema(db, "provisioning");
    }

    @AfterAll
    static void stop() throws Exception {
        TestDatabases.stop(db);
    }

    @BeforeEach
    void fresh() throws Exception {
        try (var c = db.dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("DELETE FROM machines");
        }
        enrolled.clear();
        revoked.clear();
        // Test doubles: a server registry that is a set of names, and a CA that records revocations.
        ServerRegistry registry = double_(ServerRegistry.class, Map.of(
                "isEnrolled", a -> enrolled.contains((String) a[0]),
                "find", a -> enrolled.contains((String) a[0]) ? Optional.of(server((String) a[0])) : Optional.empty(),
                "delete", a -> enrolled.remove((String) a[0])));
        CertificateAuthority ca = double_(CertificateAuthority.class, Map.of("revokeAll", a -> {
            revoked.add(a[0].toString());
            return 1;
        }));
        provisioning = new ProvisioningService(db, schema, tokens, registry, ca, config());
        provisioning.labd = io.labctl.api.LazyService.of(() -> "https://labd.test:8443");
        provisioning.decisions = new LabOnlyForEve();
    }

    /** Each machine is checked for the caller in the service: eve may do anything, but only in environment lab. */
    @Test
    void theServiceChecksEachMachineForTheCaller() {
        provisioning.booted(new BootReport("52:54:00:0e:00:01", Map.of("disk.0.id", "/dev/disk/by-id/ata-A")), "b", "lab");
        provisioning.booted(new BootReport("52:54:00:0e:00:02", Map.of("disk.0.id", "/dev/disk/by-id/ata-A")), "b", "prod");
        assertEquals(List.of("52:54:00:0e:00:01"), provisioning.list(user("eve")).stream().map(MachineInfo::mac).toList());
        assertEquals(2, provisioning.list(user("alice")).size());
        assertEquals(403, status(() -> provisioning.describe(user("eve"), "52:54:00:0e:00:02")));
        assertEquals(404, status(() -> provisioning.describe(user("eve"), "52:54:00:0e:00:09")));
        assertEquals(403, status(() -> provisioning.plan(user("eve"), "52:54:00:0e:00:02",
                new PlanRequest("p1", "worker", null, false))));
        assertEquals(403, status(() -> provisioning.forget(user("eve"), "52:54:00:0e:00:02")));
        assertEquals("discovered", provisioning.find("52:54:00:0e:00:02").orElseThrow().state(), "nothing changed");
        assertEquals("planned", provisioning.plan(user("eve"), "52:54:00:0e:00:01",
                new PlanRequest("l1", "worker", null, false)).state());

        provisioning.decisions = null; // access control not running: every user call refused, bastions unaffected
        assertEquals(503, status(() -> provisioning.list(user("alice"))));
        provisioning.booted(new BootReport("52:54:00:0e:00:03", Map.of()), "b", "lab");
    }

    private static Identity user(String name) {
        return new Identity(Identity.Kind.USER, name);
    }

    /** Allows everyone everything, except eve outside environment lab. */
    static class LabOnlyForEve implements AccessDecisions {
        @Override
        public Decision decide(Identity subject, Permission request) {
            boolean allowed = !subject.name().equals("eve") || request.environment().equals("lab");
            return allowed ? Decision.allow("test") : Decision.deny("eve only in lab");
        }

        @Override
        public boolean holdsAnywhere(Identity subject, Action action) {
            return true;
        }

        @Override
        public Permission onServer(Action action, String serverName) {
            throw new UnsupportedOperationException();
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

    @Test
    void anUnknownMacThatBootsIsDiscoveredWithWhatItReported() {
        MachineInfo m = provisioning.booted(new BootReport("52-54-00-AB-CD-EF", Map.of("platform", "pcbios",
                "disk.0.id", "/dev/disk/by-id/virtio-disk0")), "bastion-a", "rack1");
        assertEquals("52:54:00:ab:cd:ef", m.mac());
        assertEquals("discovered", m.state());
        assertEquals("rack1", m.environment());
        assertEquals("pcbios", m.facts().get("platform"));
        MachineInfo again = provisioning.booted(new BootReport("525400abcdef", Map.of("uuid", "u-1")), "bastion-a", "rack1");
        assertEquals(m.firstSeen(), again.firstSeen());
        assertEquals("pcbios", again.facts().get("platform"), "facts accumulate");
        MachineInfo inventoried = provisioning.booted(new BootReport("525400abcdef", Map.of("disk.count", "1",
                "disk.0.id", "/dev/disk/by-id/virtio-new")), "bastion-a", "rack1");
        assertEquals("/dev/disk/by-id/virtio-new", inventoried.facts().get("disk.0.id"), "a new inventory replaces the old");
        assertEquals(1, provisioning.list(user("alice")).size());
    }

    @Test
    void aPlanIsOnePerMacAndOneMacPerHostnameAndARefusalChangesNothing() {
        provisioning.booted(new BootReport("52:54:00:00:00:01", Map.of("disk.0.id", "/dev/disk/by-id/ata-A")), "b", "lab");
        MachineInfo planned = provisioning.plan(user("alice"), "52:54:00:00:00:01", new PlanRequest("node1", "worker", null, false));
        assertEquals("planned", planned.state());
        assertEquals("install", planned.mode());
        assertEquals("alice", planned.plannedBy());

        assertEquals(409, status(() -> provisioning.plan(user("alice"), "52:54:00:00:00:01", new PlanRequest("node9", "infra", null, false))));
        assertEquals(409, status(() -> provisioning.plan(user("bob"), "52:54:00:00:00:02", new PlanRequest("node1", "worker", "ata-X", false))));
        enrolled.add("taken");
        assertEquals(409, status(() -> provisioning.plan(user("bob"), "52:54:00:00:00:03", new PlanRequest("taken", "worker", "ata-X", false))));
        provisioning.booted(new BootReport("52:54:00:00:00:03", Map.of("disk.count", "0")), "b", "lab");
        assertEquals(400, status(() -> provisioning.plan(user("bob"), "52:54:00:00:00:03", new PlanRequest("n3", "worker", null, false))),
                "the machine reported no disk");
        assertEquals(400, status(() -> provisioning.plan(user("bob"), "52:54:00:00:00:01x", new PlanRequest("n", "worker", null, false))));
        assertEquals(400, status(() -> provisioning.plan(user("bob"), "52:54:00:00:00:04", new PlanRequest("Bad_Name", "worker", null, false))));
        assertEquals(400, status(() -> provisioning.plan(user("bob"), "52:54:00:00:00:04", new PlanRequest("n4", "db", null, false))));
        assertEquals(400, status(() -> provisioning.plan(user("bob"), "52:54:00:00:00:04", new PlanRequest("n4", "worker", "/dev/sda", false))));

        assertEquals("node1", provisioning.find("52:54:00:00:00:01").orElseThrow().hostname(), "unchanged");
        assertEquals("planned", provisioning.find("52:54:00:00:00:01").orElseThrow().state());
        assertTrue(provisioning.find("52:54:00:00:00:02").isEmpty(), "nothing half-written");
        assertEquals("discovered", provisioning.find("52:54:00:00:00:03").orElseThrow().state());
    }

    @Test
    void aDiskMustBeOneTheMachineReported() {
        provisioning.booted(new BootReport("52:54:00:00:00:05", Map.of("disk.0.id", "/dev/disk/by-id/ata-A",
                "disk.1.id", "/dev/disk/by-id/usb-B")), "b", "lab");
        ApiException e = assertThrows(ApiException.class, () -> provisioning.plan(user("alice"), "52:54:00:00:00:05",
                new PlanRequest("n5", "worker", "ata-C", false)));
        assertTrue(e.getMessage().contains("/dev/disk/by-id/ata-A, /dev/disk/by-id/usb-B"), e.getMessage());
        // an empty disk is not "the first reported one": install would wipe a disk nobody named
        ApiException empty = assertThrows(ApiException.class, () -> provisioning.plan(user("alice"), "52:54:00:00:00:05",
                new PlanRequest("n5", "worker", " ", false)));
        assertEquals("invalid-disk", empty.code());
        assertEquals("/dev/disk/by-id/usb-B", provisioning.plan(user("alice"), "52:54:00:00:00:05",
                new PlanRequest("n5", "worker", "usb-B", false)).disk());
    }

    @Test
    void theInstallerGetsAFreshOneTimeTokenForItsHostOnly() {
        provisioning.plan(user("alice"), "52:54:00:00:00:06", new PlanRequest("n6", "infra", "ata-X", false));
        InstallerGrant first = provisioning.startInstall("52:54:00:00:00:06");
        InstallerGrant second = provisioning.startInstall("52:54:00:00:00:06");
        assertEquals("https://labd.test:8443", second.labdUrl());
        assertEquals("installing", provisioning.find("52:54:00:00:00:06").orElseThrow().state());
        assertNotEquals(first.joinToken(), second.joinToken());

        assertEquals(403, status(() -> db.transaction(() -> tokens.redeem(JoinTokenString.parse(second.joinToken()), "other"))));
        assertEquals(401, status(() -> db.transaction(() -> tokens.redeem(JoinTokenString.parse(first.joinToken()), "n6"))),
                "the earlier token was revoked");
        JoinTokens.Grant grant = db.transaction(() -> tokens.redeem(JoinTokenString.parse(second.joinToken()), "n6"));
        assertEquals("baremetal", grant.cloud());
        assertEquals("lab", grant.environment());
        assertEquals("infra", grant.role());
        assertEquals(401, status(() -> db.transaction(() -> tokens.redeem(JoinTokenString.parse(second.joinToken()), "n6"))),
                "one use only");

        assertEquals("installed", provisioning.installed("52:54:00:00:00:06").state());
        assertEquals(409, status(() -> provisioning.startInstall("52:54:00:00:00:06")), "a planned install happens once");
        assertEquals(409, status(() -> provisioning.installed("52:54:00:00:00:06")));
    }

    @Test
    void reprovisionIsForInstalledMachinesAndReplacesTheOldAgentIdentity() {
        assertEquals(409, status(() -> provisioning.plan(user("alice"), "52:54:00:00:00:07", new PlanRequest("n7", "worker", "ata-X", true))));
        provisioning.plan(user("alice"), "52:54:00:00:00:07", new PlanRequest("n7", "worker", "ata-X", false));
        provisioning.startInstall("52:54:00:00:00:07");
        provisioning.installed("52:54:00:00:00:07");
        enrolled.add("n7");
        assertEquals(409, status(() -> provisioning.plan(user("alice"), "52:54:00:00:00:07", new PlanRequest("n7", "worker", "ata-X", false))),
                "a plain install of an installed machine is refused");

        MachineInfo re = provisioning.plan(user("alice"), "52:54:00:00:00:07", new PlanRequest("n7", "worker", "ata-X", true));
        assertEquals("reprovision", re.mode());
        provisioning.startInstall("52:54:00:00:00:07");
        assertTrue(revoked.contains("agent:n7") || revoked.stream().anyMatch(r -> r.contains("n7")), revoked.toString());
        assertTrue(!enrolled.contains("n7"), "the old server record is gone so the new agent can enrol by name");
    }

    @Test
    void forgetDropsTheMachineAndItsUnusedToken() {
        provisioning.plan(user("alice"), "52:54:00:00:00:08", new PlanRequest("n8", "worker", "ata-X", false));
        InstallerGrant grant = provisioning.startInstall("52:54:00:00:00:08");
        provisioning.forget(user("alice"), "52-54-00-00-00-08");
        assertTrue(provisioning.find("52:54:00:00:00:08").isEmpty());
        assertEquals(401, status(() -> db.transaction(() -> tokens.redeem(JoinTokenString.parse(grant.joinToken()), "n8"))));
        assertEquals(404, status(() -> provisioning.forget(user("alice"), "52:54:00:00:00:08")));
    }

    @Test
    void bootReportsFromAnUntrustedMachineAreBounded() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 65; i++) {
            many.put("k" + i, "v");
        }
        assertEquals(400, status(() -> provisioning.booted(new BootReport("52:54:00:00:00:09", many), "b", "lab")));
        assertEquals(400, status(() -> provisioning.booted(new BootReport("52:54:00:00:00:09", Map.of("x", "a\nb")), "b", "lab")));
        assertEquals(400, status(() -> provisioning.booted(new BootReport("52:54:00:00:00:09", Map.of("X Y", "v")), "b", "lab")));
        assertEquals(400, status(() -> provisioning.booted(new BootReport("52:54:00:00:00:09", Map.of("k", "v".repeat(257))), "b", "lab")));
        assertTrue(provisioning.find("52:54:00:00:00:09").isEmpty());
    }

    @Test
    void aNetworkCannotFillTheDatabaseWithMadeUpMacs() {
        for (int i = 0; i < 20; i++) {
            provisioning.booted(new BootReport(String.format("52:54:00:aa:00:%02x", i), Map.of()), "b", "lab");
        }
        assertEquals(503, status(() -> provisioning.booted(new BootReport("52:54:00:aa:01:00", Map.of()), "b", "lab")));
        provisioning.booted(new BootReport("52:54:00:aa:00:01", Map.of("ipxe.platform", "efi")), "b", "lab");
        assertEquals("efi", provisioning.find("52:54:00:aa:00:01").orElseThrow().facts().get("ipxe.platform"),
                "known machines still report");
        provisioning.forget(user("alice"), "52:54:00:aa:00:02");
        provisioning.booted(new BootReport("52:54:00:aa:01:00", Map.of()), "b", "lab");
    }

    // ---- helpers

    private static int status(Runnable r) {
        try {
            r.run();
        } catch (ApiException e) {
            return e.status();
        }
        throw new AssertionError("expected an ApiException");
    }

    private static ServerInfo server(String name) {
        return new ServerInfo("id", name, "baremetal", "lab", "worker", Map.of(), "online", null, null, null, null, null);
    }

    @SuppressWarnings("unchecked")
    static <T> T double_(Class<T> type, Map<String, java.util.function.Function<Object[], Object>> methods) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            var f = methods.get(m.getName());
            if (f == null) {
                throw new UnsupportedOperationException(m.getName());
            }
            return f.apply(a);
        });
    }

    private static ProvisioningConfig config() {
        return new ProvisioningConfig() {
            public int installerTokenMinutes() { return 120; }
            public String defaultEnvironment() { return "lab"; }
            public String labdUrl() { return ""; }
            public int maxDiscovered() { return 20; }
            public Class<? extends Annotation> annotationType() { return ProvisioningConfig.class; }
        };
    }
}
