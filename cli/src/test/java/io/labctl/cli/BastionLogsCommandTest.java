package io.labctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.testsupport.TestCli;
import io.labctl.cli.testsupport.TestLabd;
import io.labctl.cli.testsupport.TestPki;
import io.labctl.protocol.provision.BastionEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** labctl logs bastion/ENV against the REST test double of labd over real mutual TLS. */
class BastionLogsCommandTest {
    static final String EVENTS = "/api/v1/bastions/rack9/events";
    static final BastionEvent TFTP = new BastionEvent(Instant.parse("2025-06-01T11:59:01.250Z"), "labd",
            "52:54:00:77:09:05", "tftp", "sent undionly.kpxe (70000 bytes, block size 1468, 12 ms) to 10.77.19.2");
    static final BastionEvent UNKNOWN = new BastionEvent(Instant.parse("2025-06-01T11:59:02Z"), "labd", null, "http",
            "GET /boot.ipxe 200 (300 bytes) from 10.77.19.9");
    @TempDir
    Path home;
    TestLabd labd;
    TestCli cli;

    @BeforeEach
    void start() throws Exception {
        labd = new TestLabd(TestPki.get());
        cli = new TestCli(home).withContext(TestPki.get(), labd.url());
    }

    @AfterEach
    void stop() {
        labd.close();
    }

    @Test
    void oneLinePerEventWithTheFiltersInTheQuery() {
        labd.on("GET", EVENTS, 200, List.of(TFTP, UNKNOWN));
        TestCli.Result r = cli.run("logs", "bastion/rack9", "--mac", "52-54-00-77-09-05", "--since", "1h", "-n", "50");
        assertEquals(0, r.code(), r.toString());
        assertEquals("2025-06-01T11:59:01.250Z  52:54:00:77:09:05  tftp       sent undionly.kpxe (70000 bytes, block"
                + " size 1468, 12 ms) to 10.77.19.2\n"
                + "2025-06-01T11:59:02.000Z  -                  http       GET /boot.ipxe 200 (300 bytes) from"
                + " 10.77.19.9\n", r.out());
        // the MAC in the one form labd stores; --since resolved against the CLI's clock (TestCli: 12:00Z)
        assertEquals("mac=52%3A54%3A00%3A77%3A09%3A05&since=2025-06-01T11%3A00%3A00Z&limit=50",
                labd.requests.get(0).query());
    }

    @Test
    void jsonIsOneObjectALine() throws Exception {
        labd.on("GET", EVENTS, 200, List.of(TFTP, UNKNOWN));
        TestCli.Result r = cli.run("logs", "bastions", "rack9", "-o", "json");
        assertEquals(0, r.code(), r.toString());
        String[] lines = r.out().split("\n");
        assertEquals(2, lines.length, r.out());
        assertEquals(TFTP, io.labctl.protocol.Json.json().readValue(lines[0], BastionEvent.class));
        assertEquals(UNKNOWN, io.labctl.protocol.Json.json().readValue(lines[1], BastionEvent.class));
    }

    @Test
    void followPrintsTheLinesAsTheyComeAndSkipsKeepAlives() {
        labd.onLines("GET", EVENTS, TFTP, "", UNKNOWN);
        TestCli.Result r = cli.run("logs", "bastion/rack9", "-f");
        assertEquals(0, r.code(), r.toString());
        assertEquals(2, r.out().split("\n").length, r.out());
        assertTrue(r.out().contains("sent undionly.kpxe") && r.out().contains("GET /boot.ipxe"), r.out());
        assertEquals("follow=true", labd.requests.get(0).query());
        assertTrue(labd.accepts.get(0).contains("application/x-ndjson"), labd.accepts.toString());
        assertTrue(r.err().contains("labd ended the follow"), r.err());
    }

    @Test
    void nothingYetIsSaidOnStderr() {
        labd.on("GET", EVENTS, 200, List.of());
        TestCli.Result r = cli.run("logs", "bastion/rack9", "--mac", "52:54:00:77:09:05");
        assertEquals(0, r.code(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().contains("No events of bastion/rack9 for 52:54:00:77:09:05"), r.err());
    }

    @Test
    void labdsRefusalIsExitOneWithItsMessage() {
        labd.on("GET", EVENTS, 403, "{\"code\":\"forbidden\",\"message\":\"alice may not read on baremetal:rack9:*\","
                + "\"requestId\":\"r\"}");
        TestCli.Result r = cli.run("logs", "bastion/rack9");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("may not read on baremetal:rack9:*"), r.err());
    }

    @Test
    void mistakesAreUsageErrorsAndNothingIsAsked() {
        assertUsage("is not a MAC address", "logs", "bastion/rack9", "--mac", "52:54:00:77:09");
        assertUsage("missing the environment", "logs", "bastion");
        assertUsage("--mac: only for bastion/ENV", "logs", "server/web-1", "--mac", "52:54:00:77:09:05");
        assertUsage("-u, --file: not for bastion/rack9", "logs", "bastion/rack9", "-u", "x", "--file", "/var/log/x");
        assertUsage("--lines must be from 1 to 5000", "logs", "bastion/rack9", "-n", "0");
        assertUsage("--since", "logs", "bastion/rack9", "--since", "yesterday-ish");
        assertUsage("output format 'yaml' is not one of json", "logs", "bastion/rack9", "-o", "yaml");
        assertUsage("environment", "logs", "bastion/Rack_9");
        assertEquals(List.of(), labd.requests);
    }

    private void assertUsage(String message, String... args) {
        TestCli.Result r = cli.run(args);
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains(message), r.err());
    }
}
