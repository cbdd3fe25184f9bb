package io.labctl.registry.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.shell.FakeAccessControl;
import io.labctl.shell.InMemoryServerRegistry;
import io.labctl.shell.LabCommand;
import io.labctl.shell.RecordingAuditTrail;
import io.labctl.shell.Shell;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** lab:servers and lab:server-delete against in-memory test doubles of labd's services. */
class ServerCommandsTest {
    private final List<String> events = new ArrayList<>();
    private FakeAccessControl access;
    private RecordingAuditTrail audit;
    private InMemoryServerRegistry registry;

    @BeforeEach
    void setUp() {
        access = new FakeAccessControl().allow("alice", "admin:*:*:*")
                .server("web-1", "baremetal", "lab").server("db-1", "aws", "prod");
        audit = new RecordingAuditTrail();
        registry = new InMemoryServerRegistry(events)
                .add("web-1", "baremetal", "lab", "worker", ServerInfo.ONLINE, Shell.NOW.minusSeconds(300))
                .add("db-1", "aws", "prod", null, ServerInfo.NEVER_CONNECTED, null);
    }

    private <T extends LabCommand> T wire(T command) {
        return Shell.wire(command, access, audit);
    }

    private ServersCommand servers(String selector) {
        ServersCommand c = wire(new ServersCommand());
        c.registry = registry;
        c.selector = selector;
        return c;
    }

    @Test
    void serversPrintsATable() throws Exception {
        Shell.Result r = Shell.run(servers(null), "alice");
        assertEquals("""
                NAME   CLOUD      ENV   ROLE    STATUS           LAST-SEEN
                db-1   aws        prod  -       never-connected  never
                web-1  baremetal  lab   worker  online           5m ago
                """, r.out(), "in name order, as the registry lists servers");
        RecordingAuditTrail.Row row = audit.only();
        assertEquals("shell.server.list", row.event().action());
        assertEquals("/v1/servers", row.event().resource());
        assertEquals(AuditEntry.OK, row.result());
    }

    @Test
    void serversTakesASelectorAndAsksTheRegistryForTheCaller() throws Exception {
        assertEquals(List.of("web-1"), names(Shell.run(servers("env=lab"), "alice").out()));
        assertEquals("/v1/servers?selector=env=lab", audit.rows.get(0).event().resource());
        assertEquals(List.of("list for user/alice"), events, "the registry hides what the caller may not read");
    }

    @Test
    void aBadSelectorIsAnErrorMessage() throws Exception {
        Shell.Result r = Shell.run(servers("=lab"), "alice");
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("Error: selector '=lab'"), r.err());
        assertEquals(AuditEntry.FAILED, audit.only().result());
    }

    /** An empty term, as from -s "$A," with A unset, is an error: the listing never widens to every server. */
    @Test
    void anEmptySelectorTermIsAnError() throws Exception {
        for (String selector : List.of(",", "env=lab,", "")) {
            audit.rows.clear();
            Shell.Result r = Shell.run(servers(selector), "alice");
            assertEquals("", r.out(), selector);
            assertTrue(r.err().startsWith("Error: selector"), r.err());
            assertEquals(AuditEntry.FAILED, audit.only().result());
        }
    }

    private static List<String> names(String table) {
        return table.lines().skip(1).map(l -> l.split(" ")[0]).toList();
    }

    private ServerDeleteCommand serverDelete(String name) {
        ServerDeleteCommand c = wire(new ServerDeleteCommand());
        c.registry = registry;
        c.name = name;
        return c;
    }

    @Test
    void serverDeleteHasTheRegistryRemoveTheServerForTheCaller() throws Exception {
        Shell.Result r = Shell.run(serverDelete("web-1"), "alice");
        assertEquals("server/web-1 deleted; 2 agent certificate(s) revoked.\n", r.out());
        assertEquals(List.of("remove web-1 for user/alice"), events);
        RecordingAuditTrail.Row row = audit.only();
        assertTrue(row.viaChange());
        assertEquals("shell.server.delete", row.event().action());
        assertEquals("/v1/servers/web-1", row.event().resource());
        assertEquals(AuditEntry.OK, row.result());
    }

    @Test
    void serverDeleteNamesTheMissingRegistry() throws Exception {
        ServerDeleteCommand c = serverDelete("web-1");
        c.registry = null;
        Shell.Result r = Shell.run(c, "alice");
        assertTrue(r.err().contains("the server registry capability is not installed"), r.err());
        assertTrue(events.isEmpty());
    }

    @Test
    void aMissingCapabilityIsNamedAndTheCommandRefuses() throws Exception {
        Shell.Result r = Shell.run(wire(new ServersCommand()), "alice");
        assertEquals("", r.out());
        assertTrue(r.err().contains("lab:servers refused: the server registry capability is not installed"), r.err());
        assertTrue(r.err().contains("feature:install labd-registry"), r.err());
        assertEquals(AuditEntry.FAILED, audit.only().result());
    }
}
