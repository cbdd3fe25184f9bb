package io.labctl.cli.testsupport;

import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Test helper: a throwaway CA with a server certificate (SAN 127.0.0.1 and localhost) and a client certificate,
 * all made with the JDK's keytool. Built once per test JVM ({@link #get()}); a second, unrelated CA
 * ({@link #other()}) serves the "wrong CA" tests.
 */
public final class TestPki {
    private static final String PASS = "changeit";
    private static TestPki shared;
    private static TestPki other;

    public final Path dir;
    public final String caPem;
    public final String clientCertPem;
    public final String clientKeyPem;
    private final Path serverStore;

    private TestPki(Path dir) throws IOException {
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=labctl test CA",
                "-ext", "bc:c", "-validity", "3", "-keystore", p("ca.p12"));
        keytool("-exportcert", "-alias", "ca", "-keystore", p("ca.p12"), "-rfc", "-file", p("ca.crt"));
        issue("server", "CN=localhost", "san=ip:127.0.0.1,dns:localhost", "eku=serverAuth");
        issue("client", "CN=admin", null, "eku=clientAuth");
        this.caPem = Files.readString(dir.resolve("ca.crt"));
        this.serverStore = dir.resolve("server.p12");
        KeyStore client = load(dir.resolve("client.p12"));
        try {
            this.clientKeyPem = Pem.privateKey((PrivateKey) client.getKey("client", PASS.toCharArray()));
            this.clientCertPem = Pem.certificate((X509Certificate) client.getCertificate("client"));
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    public static synchronized TestPki get() throws IOException {
        if (shared == null) {
            shared = new TestPki(Files.createTempDirectory("labctl-test-pki"));
        }
        return shared;
    }

    public static synchronized TestPki other() throws IOException {
        if (other == null) {
            other = new TestPki(Files.createTempDirectory("labctl-test-pki-other"));
        }
        return other;
    }

    /** A credential bundle as labd would hand it out, for the given server URL. */
    public CredentialBundle bundle(String server) {
        return CredentialBundle.of(server, "admin", caPem, clientCertPem, clientKeyPem);
    }

    /** The server side: its key and certificate, trusting (and requiring) client certificates from this CA. */
    public SSLContext serverContext() throws Exception {
        KeyStore ks = load(serverStore);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASS.toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.certificate(caPem));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private void issue(String alias, String dname, String san, String eku) throws IOException {
        String store = p(alias + ".p12");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-validity", "3", "-keystore", store);
        keytool("-certreq", "-alias", alias, "-keystore", store, "-file", p(alias + ".csr"));
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", p("ca.p12"),
                "-infile", p(alias + ".csr"), "-outfile", p(alias + ".crt"), "-rfc", "-validity", "2", "-ext", eku));
        if (san != null) {
            gencert.addAll(List.of("-ext", san));
        }
        keytool(gencert.toArray(new String[0]));
        keytool("-importcert", "-alias", "ca", "-file", p("ca.crt"), "-keystore", store, "-noprompt");
        keytool("-importcert", "-alias", alias, "-file", p(alias + ".crt"), "-keystore", store, "-noprompt");
    }

    private static void deleteQuietly(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private static KeyStore load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASS.toCharArray());
            return ks;
        } catch (Exception e) {
            throw new IOException("cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASS, "-keypass", PASS));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }
}
