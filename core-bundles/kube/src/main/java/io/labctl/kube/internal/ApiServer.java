package io.labctl.kube.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Json;
import io.labctl.protocol.kube.ClusterInfo;
import io.labctl.protocol.kube.Kubeconfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A cluster's API server as labd reaches it: TLS verified against the kubeconfig's CA alone (not the system's),
 * with the host name checked, and the kubeconfig's credential (client certificate, bearer token or basic). The TLS
 * material is read when this is made, so a kubeconfig whose certificate or key does not parse is refused at
 * {@code clusters add}, not at first use.
 */
final class ApiServer {
    private static final char[] NO_PASSWORD = new char[0];
    /** A /version or /api answer is a few hundred bytes; more is not an API server. */
    private static final int MAX_ANSWER = 64 * 1024;

    private final Kubeconfig.Context context;
    private final HttpClient client;
    private final Duration timeout;

    private ApiServer(Kubeconfig.Context context, HttpClient client, Duration timeout) {
        this.context = context;
        this.client = client;
        this.timeout = timeout;
    }

    static ApiServer of(Kubeconfig.Context context, Duration timeout) {
        return new ApiServer(context, HttpClient.newBuilder().sslContext(tls(context)).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build(), timeout);
    }

    /**
     * What labd saw at the API server: its version, whether it took labd's credential, and whether that credential
     * may impersonate (asked only of a reachable server).
     */
    record Probe(boolean reachable, String version, String reason, boolean impersonates) {
        Probe(boolean reachable, String version, String reason) {
            this(reachable, version, reason, false);
        }

        static Probe unreachable(String reason) {
            return new Probe(false, null, reason);
        }
    }

    /** The HTTP client that reaches this API server (its CA, labd's client certificate if any); kept and reused. */
    HttpClient client() {
        return client;
    }

    /** The API server's URL as the kubeconfig gives it (no trailing slash). */
    String server() {
        String server = context.server();
        return server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    }

    /** The headers that carry the kubeconfig's credential other than a client certificate (token or basic). */
    Map<String, String> credentialHeaders() {
        if (context.token() != null) {
            return Map.of("Authorization", "Bearer " + context.token());
        }
        if (context.username() != null) {
            return Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (context.username() + ":" + context.password()).getBytes(StandardCharsets.UTF_8)));
        }
        return Map.of();
    }

    /** The headers that name a labctl user to the cluster. */
    static Map<String, String> impersonating(String user) {
        return Map.of("Impersonate-User", ClusterInfo.USER_PREFIX + user, "Impersonate-Group", ClusterInfo.USERS_GROUP);
    }

    /**
     * GET /version (the server's version; Kubernetes answers it to anyone) then GET /api, which needs an
     * authenticated caller: only both together say that the API server is there and takes this credential.
     */
    Probe probe() {
        String server = context.server();
        try {
            HttpResponse<byte[]> version = get("/version");
            if (version.statusCode() != 200) {
                return Probe.unreachable(server + "/version answered HTTP " + version.statusCode()
                        + ": is this a Kubernetes API server?");
            }
            String gitVersion = json(version.body()).path("gitVersion").asText("");
            if (gitVersion.isEmpty()) {
                return Probe.unreachable(server + "/version did not name a version: is this a Kubernetes API server?");
            }
            HttpResponse<byte[]> api = get("/api");
            if (api.statusCode() == 401 || api.statusCode() == 403) {
                return new Probe(false, gitVersion, "the API server refused the kubeconfig's credential (HTTP "
                        + api.statusCode() + " on /api): give a kubeconfig whose user may use the cluster");
            }
            if (api.statusCode() != 200) {
                return new Probe(false, gitVersion, server + "/api answered HTTP " + api.statusCode());
            }
            // whether labd may name its users to the cluster: the same read, as a labctl user would make it
            HttpResponse<byte[]> impersonated = get("/api", impersonating("probe"));
            return new Probe(true, gitVersion, null, impersonated.statusCode() == 200);
        } catch (HttpConnectTimeoutException e) {
            return Probe.unreachable("no connection to " + server + " within " + timeout.toSeconds() + " s");
        } catch (HttpTimeoutException e) {
            return Probe.unreachable(server + " did not answer within " + timeout.toSeconds() + " s");
        } catch (SSLHandshakeException e) {
            return Probe.unreachable("TLS with " + server + " failed (" + e.getMessage() + "): is certificate-authority-data"
                    + " the cluster's CA, and does its certificate name this host?");
        } catch (ConnectException e) {
            return Probe.unreachable("cannot connect to " + server + ": " + (e.getMessage() == null ? "refused" : e.getMessage()));
        } catch (IOException e) {
            return Probe.unreachable("asking " + server + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Probe.unreachable("interrupted while asking " + server);
        }
    }

    private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return get(path, Map.of());
    }

    private HttpResponse<byte[]> get(String path, Map<String, String> extra) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server() + path)).timeout(timeout)
                .header("Accept", "application/json").GET();
        credentialHeaders().forEach(request::header);
        extra.forEach(request::header);
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.body().length > MAX_ANSWER) {
            throw new IOException(path + " answered more than " + MAX_ANSWER / 1024 + " KiB");
        }
        return response;
    }

    private static JsonNode json(byte[] body) {
        try {
            return Json.json().readTree(body);
        } catch (IOException e) {
            return Json.json().createObjectNode();
        }
    }

    private static SSLContext tls(Kubeconfig.Context context) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate ca : certificates(context.certificateAuthority(), "certificate-authority-data")) {
                trust.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (context.clientCertificate() != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                Collection<? extends Certificate> chain = certificates(context.clientCertificate(), "client-certificate-data");
                keys.setKeyEntry("client", privateKey(context.clientKey()), NO_PASSWORD, chain.toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, NO_PASSWORD);
            }
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ssl;
        } catch (GeneralSecurityException | IOException e) {
            throw invalid("the kubeconfig's TLS material cannot be used: " + e.getMessage());
        }
    }

    private static Collection<? extends Certificate> certificates(String pem, String field) {
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certs.isEmpty()) {
                throw invalid(field + " holds no certificate");
            }
            return certs;
        } catch (GeneralSecurityException e) {
            throw invalid(field + " is not a PEM certificate: " + e.getMessage());
        }
    }

    /** PKCS#8, PKCS#1 (RSA PRIVATE KEY) or SEC1 (EC PRIVATE KEY): kubeadm and k3s write the latter two. */
    private static PrivateKey privateKey(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object read = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (read instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (read instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw invalid("client-key-data is not an unencrypted private key"
                    + (read == null ? "" : " (found " + read.getClass().getSimpleName() + ")"));
        } catch (IOException e) {
            throw invalid("client-key-data is not a PEM private key: " + e.getMessage());
        }
    }

    private static InvalidInput invalid(String message) {
        return new InvalidInput("invalid-kubeconfig", "kubeconfig", message);
    }
}
