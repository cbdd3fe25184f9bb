package io.labctl.ca.internal;

import io.labctl.api.CertificateAuthority.VerifiedCsr;
import io.labctl.api.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark, not a test (bench/ca-signing.sh runs it): how many CSRs per second the CA verifies and signs in-process,
 * on one thread, with the storage in memory so only the cryptography and certificate building are measured.
 */
public final class SigningThroughput {
    private SigningThroughput() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path dir = Files.createTempDirectory("ca-bench");
        CertificateAuthorityService ca = new CertificateAuthorityService(new InMemoryCaStoreForTests(),
                new CaSettings(dir.resolve("labd-master.key"), 10, Duration.ofHours(1)), Clock.systemUTC());
        List<String> csrs = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            KeyPair key = TestCsrs.ec("secp256r1");
            csrs.add(TestCsrs.pem(TestCsrs.der(key, key.getPrivate(), "SHA256withECDSA", "bench-" + i)));
        }
        run(ca, csrs, 3);  // warm-up: let the JIT compile the signing path
        double perSecond = run(ca, csrs, seconds);
        System.out.printf("CSR verify+sign, in-process, 1 thread: %.0f per second (%d s)%n", perSecond, seconds);
        ca.close();
    }

    private static double run(CertificateAuthorityService ca, List<String> csrs, int seconds) {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long t0 = System.nanoTime();
        int n = 0;
        while (System.nanoTime() < end) {
            String pem = csrs.get(n % csrs.size());
            VerifiedCsr csr = ca.verify(pem);
            ca.issue(csr, new Identity(Identity.Kind.AGENT, "bench-" + (n % csrs.size())), Duration.ofDays(90));
            n++;
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }
}
