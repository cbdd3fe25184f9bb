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
    };

    @BeforeEach
    void start() throws Exception {
        http = new BootHttp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new BootScripts("http://127.0.0.1:8080", 7, "console=ttyS0"), UNREACHABLE, null,
                Path.of("/nonexistent"), null);
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
    void consoleMessagesCannotCarryIpxeCommandsOrExpansions() {
        assertEquals("a b {c", BootScripts.consoleSafe("a\nb${c"));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
