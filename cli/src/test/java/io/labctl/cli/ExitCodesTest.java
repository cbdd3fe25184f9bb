package io.labctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.config.ConfigStore;
import io.labctl.cli.config.ContextEntry;
import io.labctl.cli.config.LabctlConfig;
import io.labctl.cli.testsupport.TestCli;
import io.labctl.cli.testsupport.TestLabd;
import io.labctl.cli.testsupport.TestPki;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.CredentialBundle;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExitCodesTest {
    @TempDir
    Path home;

    @Test
    void apiErrorIsExit1WithItsMessage() throws Exception {
        try (TestLabd labd = new TestLabd(TestPki.get())) {
            labd.on("GET", "/api/v1/servers", 403,
                    new ApiError("forbidden", "admin may not read servers in env prod; ask for read:*:prod:*", "r-9"));
            TestCli.Result r = new TestCli(home).withContext(TestPki.get(), labd.url()).run("get", "servers");
            assertEquals(1, r.code());
            assertEquals("error: admin may not read servers in env prod; ask for read:*:prod:*\n", r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void connectionRefusedIsExit255() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TestCli.Result r = new TestCli(home).withContext(TestPki.get(), "https://127.0.0.1:" + port).run("get", "servers");
        assertEquals(255, r.code(), r.toString());
        assertTrue(r.err().startsWith("error: cannot connect to labd at https://127.0.0.1:" + port), r.err());
        assertTrue(r.err().contains("connection refused"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void stackTraceOnlyWithDebug() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TestCli t = new TestCli(home).withContext(TestPki.get(), "https://127.0.0.1:" + port);
        t.env.put("LABCTL_DEBUG", "1");
        TestCli.Result r = t.run("get", "servers");
        assertEquals(255, r.code());
        assertTrue(r.err().contains("\tat "), r.err());
    }

    @Test
    void labdSignedByAnotherCaIsATlsFailure255() throws Exception {
        try (TestLabd labd = new TestLabd(TestPki.other())) {
            labd.on("GET", "/api/v1/servers", 200, "[]");
            TestCli.Result r = new TestCli(home).withContext(TestPki.get(), labd.url()).run("get", "servers");
            assertEquals(255, r.code(), r.toString());
            assertTrue(r.err().contains("TLS failure"), r.err());
            assertTrue(r.err().contains("did not sign"), r.err());
            assertTrue(labd.requests.isEmpty());
        }
    }

    @Test
    void hostnameVerificationIsOn() throws Exception {
        // the certificate names 127.0.0.1 and localhost, not 127.0.0.2
        try (TestLabd labd = new TestLabd(TestPki.get(), "127.0.0.2")) {
            labd.on("GET", "/api/v1/servers", 200, "[]");
            TestCli.Result r = new TestCli(home).withContext(TestPki.get(), labd.url()).run("get", "servers");
            assertEquals(255, r.code(), r.toString());
            assertTrue(r.err().contains("not issued for host '127.0.0.2'"), r.err());
            assertTrue(labd.requests.isEmpty());
        }
    }

    @Test
    void clientCertificateFromAnotherCaIsRefused255() throws Exception {
        try (TestLabd labd = new TestLabd(TestPki.get())) {
            labd.on("GET", "/api/v1/servers", 200, "[]");
            TestPki other = TestPki.other();
            // trusts the right CA, but presents a client certificate labd's CA never issued
            CredentialBundle b = CredentialBundle.of(labd.url(), "mallory", TestPki.get().caPem, other.clientCertPem,
                    other.clientKeyPem);
            TestCli t = new TestCli(home);
            ConfigStore.save(t.configFile(), LabctlConfig.empty().withContext(ContextEntry.of("m", b)).withCurrent("m"));
            TestCli.Result r = t.run("get", "servers");
            assertEquals(255, r.code(), r.toString());
            assertTrue(r.err().contains("rejected the client certificate"), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
            assertTrue(labd.requests.isEmpty());
        }
    }

    @Test
    void usageErrorsAreExit2() {
        TestCli t = new TestCli(home);
        assertEquals(2, t.run("frobnicate").code());
        assertEquals(2, t.run("get").code());
        assertEquals(2, t.run("describe", "pod/x").code());
        assertEquals(0, t.run("--help").code());
        assertEquals(0, t.run("get", "servers", "--help").code());
    }

    @Test
    void helpFooterDocumentsExitCodes() {
        String help = new TestCli(home).run("--help").out();
        assertTrue(help.contains("Exit codes:"), help);
        assertTrue(help.contains("255"), help);
    }
}
