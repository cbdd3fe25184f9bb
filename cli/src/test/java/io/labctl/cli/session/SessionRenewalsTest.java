package io.labctl.cli.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.Cli;
import io.labctl.cli.testsupport.TestCli;
import io.labctl.cli.testsupport.TestLabd;
import io.labctl.cli.testsupport.TestPki;
import io.labctl.protocol.Api;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.Pem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session's own renewal checks: only due certificates of contexts it served, failures logged, config kept. */
class SessionRenewalsTest {
    @TempDir
    Path home;
    TestLabd labd;
    TestCli test;
    final List<String> log = new ArrayList<>();
    final SessionRenewals renewals = new SessionRenewals(log::add);

    @BeforeEach
    void start() throws Exception {
        labd = new TestLabd(TestPki.get());
        test = new TestCli(home).withContext(TestPki.get(), labd.url());
        labd.on("POST", Api.AUTH_RENEW, 401, new ApiError("certificate_revoked",
                "certificate revoked; ask an admin for new credentials", "r-1"));
    }

    @AfterEach
    void stop() {
        labd.close();
    }

    private Cli cli(StringWriter err) {
        return new Cli(new PrintWriter(new StringWriter()), new PrintWriter(err), Map.of(), home, Clock.systemUTC());
    }

    @Test
    void onlyDueCertificatesOfServedContextsAreRenewedAndAFailureIsLoggedWithTheConfigKept() throws Exception {
        X509Certificate c = Pem.certificate(TestPki.get().clientCertPem);
        Instant due = c.getNotAfter().toInstant().minusSeconds(60);
        String before = Files.readString(test.configFile());

        renewals.check(due);
        assertTrue(labd.requests.isEmpty(), "a context no command used is left alone");

        StringWriter err = new StringWriter();
        renewals.served(cli(err));
        renewals.check(c.getNotBefore().toInstant());
        assertTrue(labd.requests.isEmpty(), "not due yet");

        renewals.check(due);
        assertEquals(1, labd.requests.size());
        assertEquals(Api.AUTH_RENEW, labd.requests.get(0).path());
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).contains("could not renew") && log.get(0).contains("certificate revoked"), log.toString());
        assertEquals(before, Files.readString(test.configFile()));
        renewals.tellOnce(cli(err));
        assertEquals("", err.toString(), "nothing was renewed, so nothing is told");
    }
}
