package io.labctl.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.CertificateAuthority.KeyPairCertificate;
import io.labctl.api.Identity;
import io.labctl.protocol.Api;
import io.labctl.protocol.Pem;
import io.labctl.api.access.DecidingGate;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same server seen by curl and openssl s_client (non-JDK TLS stacks); skipped where they are not installed. */
class ExternalClientsTest {
    @TempDir
    static Path dir;

    static TestCertificateAuthority ca;
    static WebServer server;
    static Path caPem;

    record Result(int exit, String output) {}

    @BeforeAll
    static void start() throws Exception {
        ca = new TestCertificateAuthority("labctl test CA");
        server = new WebServer(ca, WebServerTest.config(Map.of("host", "127.0.0.1", "port", 0)), null, "ext-test");
        TestAccessControl access = new TestAccessControl();
        RecordingAuditTrail audit = new RecordingAuditTrail();
        server.setAccessControl(access);
        server.setAuditTrail(audit);
        server.setGate(new DecidingGate(access, audit));
        server.addResource(new TestRoutes());
        server.awaitReloads();
        caPem = Files.writeString(dir.resolve("ca.pem"), Pem.certificate(ca.caCertificate()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    static Result run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** Writes a certificate and key as PEM files; returns {cert, key}. */
    static Path[] pemFiles(String name, KeyPairCertificate identity) throws Exception {
        return new Path[] {
            Files.writeString(dir.resolve(name + ".crt"), Pem.certificate(identity.certificate())),
            Files.writeString(dir.resolve(name + ".key"), Pem.privateKey(identity.privateKey()))
        };
    }

    static Result curl(String path, Path[] identity) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30", "--cacert", caPem.toString(),
                "-w", "\nHTTP %{http_code}\n"));
        if (identity != null) {
            command.addAll(List.of("--cert", identity[0].toString(), "--key", identity[1].toString()));
        }
        command.add("https://localhost:" + server.port() + path);
        return run(command);
    }

    @Test
    void curlReachesHealthWithoutACertificate() throws Exception {
        Assumptions.assumeTrue(onPath("curl"), "curl not installed");
        Result result = curl(Api.HEALTH, null);
        assertTrue(result.output().contains("HTTP 200"), result.output());
        assertTrue(result.output().contains("\"status\":\"ok\""), result.output());
    }

    @Test
    void curlWithoutACertificateGets401OnOtherRoutes() throws Exception {
        Assumptions.assumeTrue(onPath("curl"), "curl not installed");
        Result result = curl("/api/v1/test/whoami", null);
        assertTrue(result.output().contains("HTTP 401"), result.output());
        assertTrue(result.output().contains("client_certificate_required"), result.output());
    }

    @Test
    void curlWithTheAdminCertificatePasses() throws Exception {
        Assumptions.assumeTrue(onPath("curl"), "curl not installed");
        Path[] admin = pemFiles("admin", ca.issueWithNewKey(new Identity(Identity.Kind.USER, "admin"), Duration.ofDays(1)));
        Result result = curl("/api/v1/test/whoami", admin);
        assertTrue(result.output().contains("HTTP 200"), result.output());
        assertTrue(result.output().contains("user/admin"), result.output());
    }

    @Test
    void curlWithACertificateFromAnotherCaIsRefusedInTheHandshake() throws Exception {
        Assumptions.assumeTrue(onPath("curl"), "curl not installed");
        TestCertificateAuthority other = new TestCertificateAuthority("some other CA");
        Path[] foreign = pemFiles("foreign", other.issueWithNewKey(new Identity(Identity.Kind.USER, "admin"), Duration.ofDays(1)));
        // curl (OpenSSL) sends its certificate whatever CAs the server names
        for (String path : List.of("/api/v1/test/whoami", Api.HEALTH)) {
            Result result = curl(path, foreign);
            assertNotEquals(0, result.exit(), result.output());
            assertTrue(result.output().contains("HTTP 000"), result.output());
            assertFalse(result.output().contains("user/admin"), result.output());
        }
    }

    static Result sClient(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + server.port(),
                "-servername", "localhost", "-CAfile", caPem.toString()));
        command.addAll(List.of(options));
        return run(command);
    }

    @Test
    void opensslSeesTls13AskingForCertificatesOfOurCaOnly() throws Exception {
        Assumptions.assumeTrue(onPath("openssl"), "openssl not installed");
        Result result = sClient("-tls1_3");
        assertTrue(result.output().contains("Verify return code: 0 (ok)"), result.output());
        assertTrue(result.output().contains("TLSv1.3"), result.output());
        int names = result.output().indexOf("Acceptable client certificate CA names");
        assertTrue(names >= 0, result.output());
        String listed = result.output().substring(names, result.output().indexOf("Requested Signature Algorithms", names));
        assertTrue(listed.contains("labctl test CA"), listed);
        assertEquals(2, listed.lines().count(), "heading plus exactly one CA: " + listed);
    }

    @Test
    void opensslCanUseTls12() throws Exception {
        Assumptions.assumeTrue(onPath("openssl"), "openssl not installed");
        Result result = sClient("-tls1_2");
        assertEquals(0, result.exit(), result.output());
        assertTrue(result.output().contains("Protocol  : TLSv1.2") || result.output().contains("TLSv1.2"), result.output());
    }

    @Test
    void opensslCannotUseTls11() throws Exception {
        Assumptions.assumeTrue(onPath("openssl"), "openssl not installed");
        // lower the client's own security level so that a failure is the server's refusal, not the client's
        Result result = sClient("-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0");
        assertNotEquals(0, result.exit(), result.output());
        assertTrue(result.output().contains("alert protocol version"), "the server refuses: " + result.output());
    }

    @Test
    void theClientsOrderOfAeadSuitesDecides() throws Exception {
        Assumptions.assumeTrue(onPath("openssl"), "openssl not installed");
        Result chacha = sClient("-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256");
        assertTrue(chacha.output().contains("Cipher is TLS_CHACHA20_POLY1305_SHA256"), chacha.output());
        Result aes = sClient("-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256");
        assertTrue(aes.output().contains("Cipher is TLS_AES_128_GCM_SHA256"), aes.output());
        Result tls12 = sClient("-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384");
        assertTrue(tls12.output().contains("Cipher is ECDHE-ECDSA-CHACHA20-POLY1305"), tls12.output());
    }

    @Test
    void opensslCannotUseCbcSuitesOverTls12() throws Exception {
        Assumptions.assumeTrue(onPath("openssl"), "openssl not installed");
        Result result = sClient("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA");
        assertNotEquals(0, result.exit(), result.output());
        assertTrue(result.output().contains("handshake failure"), "the server refuses: " + result.output());
    }
}
