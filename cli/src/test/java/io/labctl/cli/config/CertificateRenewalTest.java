package io.labctl.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.testsupport.TestCli;
import io.labctl.cli.testsupport.TestLabd;
import io.labctl.cli.testsupport.TestPki;
import io.labctl.protocol.Api;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.EnrolResponse;
import io.labctl.protocol.Json;
import io.labctl.protocol.Pem;
import io.labctl.protocol.RenewRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** labctl auth renew against the stand-in labd, and the request it sends checked by the JDK's own PKCS#10 parser. */
class CertificateRenewalTest {
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
    void theRequestIsAValidPkcs10ForTheNameSignedByTheNewKey() throws Exception {
        KeyPair keys = CertificateRequest.newKeyPair();
        Path csr = home.resolve("req.csr");
        Files.writeString(csr, CertificateRequest.pem("frank", keys));
        // keytool parses the request with the JDK's PKCS#10 reader, which checks the signature against its key
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-printcertreq", "-v", "-file", csr.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("CN=frank"), out);
        assertTrue(out.contains("SHA256withECDSA"), out);
        assertTrue(out.contains("256-bit EC"), out);

        // the same request with its name changed after signing is refused by that check: the one above is real
        byte[] der = Pem.blocks(CertificateRequest.pem("frank", keys), "CERTIFICATE REQUEST").get(0);
        String latin = new String(der, StandardCharsets.ISO_8859_1);
        Files.writeString(csr, Pem.encode("CERTIFICATE REQUEST",
                latin.replace("frank", "frane").getBytes(StandardCharsets.ISO_8859_1)));
        Process tampered = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-printcertreq", "-file", csr.toString()).redirectErrorStream(true).start();
        String refused = new String(tampered.getInputStream().readAllBytes());
        assertTrue(tampered.waitFor(60, TimeUnit.SECONDS));
        assertTrue(tampered.exitValue() != 0, refused);
    }

    @Test
    void dueOnceAThirdOfTheLifetimeIsLeftAndNotAfterExpiry() throws Exception {
        X509Certificate c = Pem.certificate(TestPki.get().clientCertPem);
        Instant from = c.getNotBefore().toInstant();
        Instant to = c.getNotAfter().toInstant();
        Duration third = Duration.between(from, to).dividedBy(3);
        String pem = TestPki.get().clientCertPem;
        assertFalse(CertificateRenewal.isDue(pem, from));
        assertFalse(CertificateRenewal.isDue(pem, to.minus(third).minusSeconds(1)));
        assertTrue(CertificateRenewal.isDue(pem, to.minus(third)));
        assertTrue(CertificateRenewal.isDue(pem, to.minusSeconds(1)));
        assertFalse(CertificateRenewal.isDue(pem, to), "an expired certificate cannot renew itself");
    }

    @Test
    void aRefusedRenewalSaysWhyAndLeavesTheConfigAsItWas() throws Exception {
        String before = Files.readString(cli.configFile());
        labd.on("POST", Api.AUTH_RENEW, 401, new ApiError("certificate_revoked",
                "certificate revoked; ask an admin for new credentials", "r-1"));

        TestCli.Result r = cli.run("auth", "renew");

        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("certificate revoked; ask an admin for new credentials"), r.toString());
        assertEquals(before, Files.readString(cli.configFile()));
        RenewRequest sent = Json.json().readValue(labd.requests.get(0).body(), RenewRequest.class);
        assertTrue(sent.csr().startsWith("-----BEGIN CERTIFICATE REQUEST-----"), sent.csr());
    }

    @Test
    void aCertificateForAnotherKeyIsNotWritten() throws Exception {
        String before = Files.readString(cli.configFile());
        // labd answers with some valid certificate, but not one over the key labctl just made
        labd.on("POST", Api.AUTH_RENEW, 200, new EnrolResponse(TestPki.get().clientCertPem, TestPki.get().caPem, "test"));

        TestCli.Result r = cli.run("auth", "renew");

        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("not for the key labctl sent"), r.toString());
        assertEquals(before, Files.readString(cli.configFile()));
    }
}
