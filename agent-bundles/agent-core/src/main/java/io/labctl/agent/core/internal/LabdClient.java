package io.labctl.agent.core.internal;

import io.labctl.protocol.Api;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.EnrolRequest;
import io.labctl.protocol.EnrolResponse;
import io.labctl.protocol.JoinTokenString;
import io.labctl.protocol.Json;
import io.labctl.protocol.Pem;
import io.labctl.protocol.RenewRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executor;

/** The agent's two REST calls to labd: enrolment (pinned TLS, with the join token) and renewal (mutual TLS). */
final class LabdClient {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** labd said no, or cannot be trusted: asking again with the same configuration will not help. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** labd could not be reached or had a passing problem: worth trying again later. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    private LabdClient() {}

    /** First contact: sends the token and a CSR, returns the identity to store. The key is made here. */
    static Identity enrol(AgentSettings settings, Executor executor) throws Refused, Unavailable, InterruptedException {
        String tokenText = settings.token();
        if (tokenText == null) {
            throw new Refused("this agent has no identity yet and no join token: set token or tokenFile in"
                    + " etc/io.labctl.agent.cfg or " + AgentSettings.ENV_TOKEN + " (an admin makes one with labctl create token)");
        }
        JoinTokenString token;
        try {
            token = JoinTokenString.parse(tokenText);
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage()); // the parser's message never repeats the token
        }
        PinnedCaTrustManager trust = new PinnedCaTrustManager(token.caPin());
        HttpClient client = HttpClient.newBuilder().sslContext(TlsContexts.pinned(trust))
                .connectTimeout(CONNECT_TIMEOUT).executor(executor).build();
        KeyPair pair = KeyPairs.newEcP256();
        EnrolRequest body = new EnrolRequest(token.toString(), settings.name(), KeyPairs.csrPem(settings.name(), pair));
        HttpResponse<byte[]> response;
        try {
            response = post(client, settings.endpoint(Api.ENROL), body);
        } catch (IOException e) {
            if (trust.sawPinMismatch()) {
                throw new Refused(PinnedCaTrustManager.PIN_MISMATCH
                        + "; check serverUrl, or ask an admin for a new token (labctl create token)");
            }
            throw new Unavailable("cannot reach labd at " + settings.server() + ": " + Failures.describe(e));
        }
        EnrolResponse answer = answer(response, "enrolment");
        X509Certificate ca = parse(answer.caCertificate(), "CA certificate");
        if (!Pem.sha256Hex(ca).equals(token.caPin())) {
            throw new Refused(PinnedCaTrustManager.PIN_MISMATCH + " (in labd's enrolment answer)");
        }
        return checked(pair, parse(answer.certificate(), "certificate"), ca);
    }

    /** Renewal over mutual TLS: a new key, a CSR for the same name, the new identity to store. */
    static Identity renew(AgentSettings settings, Identity current, HttpClient mutualTlsClient)
            throws Refused, Unavailable, InterruptedException {
        KeyPair pair = KeyPairs.newEcP256();
        RenewRequest body = new RenewRequest(KeyPairs.csrPem(current.name(), pair));
        HttpResponse<byte[]> response;
        try {
            response = post(mutualTlsClient, settings.endpoint(Api.RENEW), body);
        } catch (IOException e) {
            throw new Unavailable("cannot reach labd at " + settings.server() + ": " + Failures.describe(e));
        }
        EnrolResponse answer = answer(response, "renewal");
        X509Certificate ca = answer.caCertificate() == null ? current.ca() : parse(answer.caCertificate(), "CA certificate");
        return checked(pair, parse(answer.certificate(), "certificate"), ca);
    }

    private static HttpResponse<byte[]> post(HttpClient client, URI uri, Object body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.json().writeValueAsBytes(body))).build();
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The answer's body on success; otherwise labd's error message, sorted into "retry" or "give up". */
    private static EnrolResponse answer(HttpResponse<byte[]> response, String what) throws Refused, Unavailable {
        int status = response.statusCode();
        if (status / 100 == 2) {
            try {
                EnrolResponse answer = Json.json().readValue(response.body(), EnrolResponse.class);
                if (answer == null || answer.certificate() == null) {
                    throw new Refused("labd's " + what + " answer has no certificate");
                }
                return answer;
            } catch (IOException e) {
                throw new Refused("labd's " + what + " answer is not valid JSON: " + e.getMessage());
            }
        }
        String message = errorMessage(response);
        if (status >= 500 || status == 408 || status == 429) {
            throw new Unavailable("labd could not complete the " + what + " (HTTP " + status + "): " + message);
        }
        throw new Refused("labd refused the " + what + " (HTTP " + status + "): " + message);
    }

    static String errorMessage(HttpResponse<byte[]> response) {
        return errorMessage(response.body());
    }

    /** labd's error message from an error body (its JSON shape), or the start of whatever else came back. */
    static String errorMessage(byte[] responseBody) {
        byte[] body = responseBody == null ? new byte[0] : responseBody;
        try {
            ApiError error = Json.json().readValue(body, ApiError.class);
            if (error != null && error.message() != null) {
                return error.message() + (error.requestId() == null ? "" : " (request " + error.requestId() + ")");
            }
        } catch (IOException | RuntimeException e) {
            // not labd's error shape (a proxy in between?): show the start of what came back
        }
        String text = new String(body, 0, Math.min(body.length, 200), java.nio.charset.StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "no details" : text;
    }

    private static X509Certificate parse(String pem, String what) throws Refused {
        try {
            return Pem.certificate(pem);
        } catch (IllegalArgumentException e) {
            throw new Refused("labd sent an unreadable " + what + ": " + e.getMessage());
        }
    }

    /** The issued certificate must carry our new key and verify against the CA. */
    private static Identity checked(KeyPair pair, X509Certificate certificate, X509Certificate ca) throws Refused {
        if (!Arrays.equals(certificate.getPublicKey().getEncoded(), pair.getPublic().getEncoded())) {
            throw new Refused("labd issued a certificate for a different key than the one requested");
        }
        try {
            certificate.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new Refused("labd's certificate is not signed by its CA: " + e.getMessage());
        }
        return new Identity(pair.getPrivate(), certificate, ca);
    }
}
