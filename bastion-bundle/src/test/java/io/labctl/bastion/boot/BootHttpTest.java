package io.labctl.bastion.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.provision.InstallerGrant;
import io.labctl.protocol.provision.MachineInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bastion's HTTP side when labd cannot be asked: machines still get a script, which says why and asks again. */
class BootHttpTest {
    BootHttp http;
    final HttpClient client = HttpClient.newHttpClient();

    /** Test double: labd away, as for a standalone bastion that cannot reach it (or has not enrolled yet). */
    static final ProvisioningLink UNREACHABLE = new ProvisioningLink() {
        public MachineInfo booted(String mac, Map<String, String> facts) {
            throw new LinkException("labd is unreachable from this bastion (connection refused)", true, null);
        }

        public InstallerGrant installer(String mac) {
            throw new LinkException("labd is unreachable from this bastion (connection refused)", true, null);
        }

        public MachineInfo installed(String mac) {
            throw new LinkException("labd is unreachable from this bastion (connection refused)", true, null);
        }

        public void events(io.labctl.protocol.provision.BastionEvent.Batch batch) {
            throw new LinkException("labd is unreachable from this bastion (connection refused)", true, null);
        }
    };
    final BootEvents events = new BootEvents(java.time.Clock.systemUTC(), 100, a -> null);

    @BeforeEach
    void start() throws Exception {
        http = new BootHttp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new BootScripts("http://127.0.0.1:8080", 7, "console=ttyS0"), UNREACHABLE, null,
                Path.of("/nonexistent"), null, events);
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void withoutLabdAMachineIsToldThatPlansNeedLabdAndAsksAgain() throws Exception {
        HttpResponse<String> r = get("/provision/52-54-00-ab-cd-ef/boot.ipxe?platform=pcbios");
        assertEquals(200, r.statusCode(), "iPXE must get a script it can run");
        assertTrue(r.body().startsWith("#!ipxe"), r.body());
        assertTrue(r.body().contains("plans need labd") && r.body().contains("connection refused"), r.body());
        assertTrue(r.body().contains("sleep 7") && r.body().contains("chain --replace http://127.0.0.1:8080/provision/52-54-00-ab-cd-ef/boot.ipxe"),
                r.body());
        assertEquals(503, get("/provision/52-54-00-ab-cd-ef/preseed.cfg").statusCode(), "no installer files without labd");
    }

    @Test
    void theEntryScriptAndDiscoveryFilesNeedNoLabd() throws Exception {
        assertTrue(get("/boot.ipxe").body().contains("chain http://127.0.0.1:8080/provision/${net0/mac:hexhyp}/boot.ipxe?"));
        assertTrue(get("/provision/52-54-00-ab-cd-ef/inventory.sh").body().contains("/provision/52-54-00-ab-cd-ef/inventory"));
        assertEquals(404, get("/installer/linux").statusCode(), "a file the configuration does not have");
        assertEquals(404, get("/provision/not-a-mac/boot.ipxe").statusCode());
        assertEquals(414, get("/boot.ipxe?" + "x".repeat(3000)).statusCode());
    }

    @Test
    void aMalformedEscapeInTheQueryLosesThatFactNotTheBootScript() throws Exception {
        // the JDK server refuses such a request line itself; the parser must not depend on that
        assertEquals(Map.of("ipxe.buildarch", "x86_64"), BootHttp.ipxeFacts("platform=%zz&buildarch=x86_64&serial=%"));
        try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), http.port())) {
            s.getOutputStream().write(("GET /provision/52-54-00-ab-cd-ef/boot.ipxe?platform=%zz HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new String(s.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 400", status);
        }
    }

    @Test
    void clientsThatSendTheirRequestSlowlyDoNotStopOtherMachinesBooting() throws Exception {
        java.util.List<java.net.Socket> slow = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), http.port());
                slow.add(s);
                // an inventory report that announces a body and never sends it
                s.getOutputStream().write(("POST /provision/52-54-00-ab-cd-ef/inventory HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Length: 1000\r\n\r\nos=").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            }
            for (int i = 0; i < 20; i++) {
                java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), http.port());
                slow.add(s);
                // a request line and never the end of the headers
                s.getOutputStream().write("GET /boot.ipxe HTTP/1.1\r\nHost: x\r\n".getBytes(
                        java.nio.charset.StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            }
            // each is dropped after BootHttp.REQUEST_SECONDS (10 s); the bound is 5 times that
            HttpClient timed = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(5)).build();
            HttpResponse<String> r = timed.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port()
                    + "/boot.ipxe")).timeout(java.time.Duration.ofSeconds(50)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
        } finally {
            for (java.net.Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void eachRequestIsAnEventOfItsMachineWithWhatItGot() throws Exception {
        get("/provision/52-54-00-ab-cd-ef/boot.ipxe?platform=pcbios&serial=SECRETISH");
        get("/boot.ipxe");  // no MAC in the path: the address showed its machine a moment ago
        get("/" + "z".repeat(1000));
        List<io.labctl.protocol.provision.BastionEvent> got = events.take().events();
        assertEquals(List.of("boot", "http", "http", "http"), got.stream().map(e -> e.kind()).toList(), got.toString());
        assertTrue(got.get(0).detail().startsWith("labd could not be asked (labd is unreachable"), got.get(0).detail());
        assertEquals("GET /provision/52-54-00-ab-cd-ef/boot.ipxe 200", got.get(1).detail().substring(0, 46));
        assertTrue(got.get(1).detail().endsWith(" from 127.0.0.1") && !got.get(1).detail().contains("SECRETISH"),
                "the query (the machine's facts) stays out: " + got.get(1).detail());
        assertEquals("52:54:00:ab:cd:ef", got.get(1).mac());
        assertTrue(got.get(2).detail().startsWith("GET /boot.ipxe 200 ("), got.get(2).detail());
        assertEquals("52:54:00:ab:cd:ef", got.get(2).mac());
        assertEquals(io.labctl.protocol.provision.BastionEvent.MAX_DETAIL, got.get(3).detail().length());
    }

    @Test
    void consoleMessagesCannotCarryIpxeCommandsOrExpansions() {
        assertEquals("a b {c", BootScripts.consoleSafe("a\nb${c"));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
