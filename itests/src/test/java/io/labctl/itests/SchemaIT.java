package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.itests.support.Tls;
import io.labctl.protocol.CapabilityInfo;
import io.labctl.protocol.Json;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.access.UserInfo;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each capability's schema, through a real labd: a database made by labd 0.1 is upgraded in place, and a migration
 * that fails leaves only its own capability inactive, reported by 'labctl system features'.
 */
class SchemaIT {
    private static final Path FIXTURE = Path.of("src/test/resources/legacy-0.1");
    private static final List<String> CAPABILITIES = List.of("audit", "ca", "provisioning", "rbac", "registry", "tokens");

    @TempDir
    Path dir;

    @Test
    void aDatabaseMadeByRelease01IsUpgradedInPlace() throws Exception {
        Labd labd = Labd.install(dir.resolve("labd"), null);
        // labd 0.1's database, its master key and its admin's credentials (the fixture's README says how it was made)
        try (EmbeddedPostgres pg = onLabdsData(labd); Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            for (String file : List.of("V0__flyway_schema_history", "V1__foundation", "V2__access_control",
                    "V3__role_log_paths", "V4__provisioning", "V5__audit_detail")) {
                s.execute(Files.readString(FIXTURE.resolve("schema/" + file + ".sql")));
            }
            for (String row : Files.readAllLines(FIXTURE.resolve("rows.sql"))) {
                if (!row.startsWith("--")) {
                    s.execute(row);
                }
            }
        }
        Path key = labd.home.resolve("etc/labd-master.key");
        Files.copy(FIXTURE.resolve("labd-master.key"), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        String admin = Files.readString(FIXTURE.resolve("admin.labctl.yaml")).replace("https://127.0.0.1:28443", labd.url());
        Files.writeString(labd.adminBundle(), admin);
        long auditRows = Files.readAllLines(FIXTURE.resolve("rows.sql")).stream().filter(l -> l.startsWith("INSERT INTO audit_log ")).count();

        try (Labd running = startAdopted(labd)) {
            Cli cli = new Cli(dir.resolve("cli/config.yaml"));
            Files.createDirectories(dir.resolve("cli"));
            cli.ok("config", "import", labd.adminBundle().toString(), "--context", "legacy");

            List<ServerInfo> servers = json(cli.ok("get", "servers", "-o", "json"), new TypeReference<>() {});
            assertEquals(List.of("legacy1"), servers.stream().map(ServerInfo::name).toList());
            assertEquals("lab", servers.get(0).environment());
            List<UserInfo> users = json(cli.ok("get", "users", "-o", "json"), new TypeReference<>() {});
            assertTrue(users.stream().map(UserInfo::name).toList().containsAll(List.of("admin", "alice")), users.toString());
            List<TokenInfo> tokens = json(cli.ok("get", "tokens", "-o", "json"), new TypeReference<>() {});
            assertEquals(List.of("8c33400b5fd94314840fbc89b100794e"), tokens.stream().map(TokenInfo::id).toList());
            assertEquals(1, tokens.get(0).uses(), "the token's use by legacy1 is still counted");
            // the role bindings came through: alice is still a viewer
            assertTrue(users.stream().anyMatch(u -> u.name().equals("alice") && u.roles().contains("viewer")), users.toString());

            // the chain 0.1 wrote is intact, and today's labd appends to it
            String verified = cli.ok("logs", "audit", "--verify");
            Matcher m = Pattern.compile("audit log intact: (\\d+) rows").matcher(verified);
            assertTrue(m.find(), verified);
            assertTrue(Long.parseLong(m.group(1)) > auditRows, "new rows follow the " + auditRows + " of 0.1: " + verified);

            Map<String, CapabilityInfo> features = features(cli);
            for (String capability : CAPABILITIES) {
                CapabilityInfo f = features.get("labd-" + capability);
                assertEquals("active", f.state(), f.toString());
                assertEquals(capability, f.schema());
                // provisioning's V2 (bastion events) is the one migration since 0.1
                assertEquals(capability.equals("provisioning") ? "2" : "1", f.schemaVersion(), f.toString());
            }
        }
        // each capability's history starts from 0.1's tables, adopted (not created again); 0.1's history stays
        try (EmbeddedPostgres pg = onLabdsData(labd); Connection c = pg.getPostgresDatabase().getConnection()) {
            for (String capability : CAPABILITIES) {
                assertEquals(capability.equals("provisioning") ? List.of("1:BASELINE", "2:SQL") : List.of("1:BASELINE"),
                        rows(c, "SELECT version || ':' || type FROM flyway_history_" + capability
                        + " ORDER BY installed_rank"), capability);
            }
            assertEquals(List.of("5"), rows(c, "SELECT max(version::int)::text FROM flyway_schema_history"));
            assertEquals(List.of("1"), rows(c, "SELECT count(*)::text FROM to_regclass('pulumi_runs') t WHERE t IS NOT NULL"),
                    "a table labd 0.1 made is never dropped");
        }
    }

    @Test
    void aFailingMigrationLeavesItsCapabilityInactiveAndReportedWhileTheOthersRun() throws Exception {
        Labd labd = Labd.install(dir.resolve("labd"), null);
        // something else already has a table named as provisioning's: its V1 cannot run
        try (EmbeddedPostgres pg = onLabdsData(labd); Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE machines (serial TEXT PRIMARY KEY)");
        }
        try (Labd running = labd.start()) {
            Cli cli = new Cli(dir.resolve("cli/config.yaml"));
            Files.createDirectories(dir.resolve("cli"));
            cli.ok("config", "import", labd.adminBundle().toString(), "--context", "failing");

            // every other capability runs
            assertEquals(List.of(), json(cli.ok("get", "servers", "-o", "json"), new TypeReference<List<ServerInfo>>() {}));
            cli.environments("lab:baremetal");
            cli.ok("create", "token", "--env", "lab", "--ttl", "1h");
            assertEquals(1, json(cli.ok("get", "tokens", "-o", "json"), new TypeReference<List<TokenInfo>>() {}).size());
            assertTrue(cli.ok("logs", "audit", "--verify").contains("intact"));
            Processes.Result machines = cli.run("provision", "list");
            assertTrue(machines.exitCode() != 0, "provisioning has no route while it is inactive: " + machines);

            Map<String, CapabilityInfo> features = features(cli);
            CapabilityInfo provisioning = features.get("labd-provisioning");
            assertEquals("failed", provisioning.state(), provisioning.toString());
            assertTrue(provisioning.reason().contains("migration V1 (machines) failed")
                    && provisioning.reason().contains("\"machines\" already exists")
                    && provisioning.reason().contains("bundle:restart io.labctl.provisioning"), provisioning.reason());
            assertEquals(null, provisioning.schemaVersion());
            for (String capability : List.of("audit", "ca", "rbac", "registry", "tokens")) {
                assertEquals("active", features.get("labd-" + capability).state(), features.get("labd-" + capability).toString());
            }
            String table = cli.ok("system", "features");
            assertTrue(table.lines().anyMatch(l -> l.startsWith("labd-provisioning") && l.contains("failed")
                    && l.contains("already exists")), table);
            assertTrue(table.lines().anyMatch(l -> l.startsWith("labd-tokens") && l.contains("active") && l.contains("tokens v1")), table);

            List<String> errors = Files.readAllLines(labd.log()).stream()
                    .filter(l -> l.contains("| ERROR |") && (l.contains("provisioning") || l.contains("machines"))).toList();
            assertEquals(1, errors.size(), "one ERROR line for the failed migration: " + errors);
            assertTrue(errors.get(0).contains("migration V1 (machines) failed") && errors.get(0).contains("already exists")
                    && errors.get(0).contains("bundle:restart io.labctl.provisioning"), errors.get(0));
        }
        try (EmbeddedPostgres pg = onLabdsData(labd); Connection c = pg.getPostgresDatabase().getConnection()) {
            assertEquals(List.of("serial"), rows(c, "SELECT column_name FROM information_schema.columns WHERE table_name = 'machines'"),
                    "the failed migration changed nothing");
            assertEquals(List.of("0"), rows(c, "SELECT count(*)::text FROM flyway_history_provisioning WHERE type = 'SQL'"));
        }
    }

    /**
     * Starts labd on a database it did not set up: its admin bundle is there from the start, so the whole boot is
     * waited for here (Labd.start gives the health check only the time after the bundle appears).
     */
    private static Labd startAdopted(Labd labd) throws Exception {
        labd.launch();
        HttpClient anonymous = Tls.anonymous(labd.admin());
        try {
            Processes.await("labd's health check on the adopted database", Duration.ofSeconds(180), () -> {
                try {
                    return anonymous.send(HttpRequest.newBuilder(URI.create(labd.url() + "/api/v1/health")).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                } catch (java.io.IOException | InterruptedException e) {
                    return false;
                }
            });
        } catch (AssertionError e) {
            Files.copy(labd.log(), Path.of("target/SchemaIT-adopted-karaf.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            labd.stop();
            throw new AssertionError(e.getMessage() + "; labd's log: target/SchemaIT-adopted-karaf.log", e);
        }
        return labd;
    }

    /** labd's own data directory, opened by a PostgreSQL of the same build while labd is stopped. */
    private static EmbeddedPostgres onLabdsData(Labd labd) throws Exception {
        Path data = labd.home.resolve("data/postgresql/data");
        Files.createDirectories(data);
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(labd.dbPort)
                .setServerConfig("listen_addresses", "127.0.0.1").start();
    }

    private static Map<String, CapabilityInfo> features(Cli cli) throws Exception {
        List<CapabilityInfo> all = json(cli.ok("system", "features", "-o", "json"), new TypeReference<>() {});
        return all.stream().collect(Collectors.toMap(CapabilityInfo::name, Function.identity()));
    }

    private static <T> T json(String text, TypeReference<T> type) throws Exception {
        return Json.json().readValue(text, type);
    }

    private static List<String> rows(Connection c, String query) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
