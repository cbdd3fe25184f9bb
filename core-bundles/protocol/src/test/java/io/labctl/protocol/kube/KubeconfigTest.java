package io.labctl.protocol.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.InvalidInput;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeconfigTest {
    static final String CA = "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n";
    static final String CERT = "-----BEGIN CERTIFICATE-----\nVVNFUg==\n-----END CERTIFICATE-----\n";
    static final String KEY = "-----BEGIN EC PRIVATE KEY-----\nS0VZ\n-----END EC PRIVATE KEY-----\n";

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A kubeconfig as k3s writes one, plus a second context with a token. */
    static String twoContexts() {
        return """
                apiVersion: v1
                kind: Config
                current-context: default
                clusters:
                - name: default
                  cluster:
                    server: https://127.0.0.1:6443
                    certificate-authority-data: %s
                - name: prod
                  cluster:
                    server: https://k8s.example.com:6443/
                    certificate-authority-data: %s
                users:
                - name: default
                  user:
                    client-certificate-data: %s
                    client-key-data: %s
                - name: robot
                  user:
                    token: abc.def
                contexts:
                - name: default
                  context: {cluster: default, user: default}
                - name: prod-robot
                  context: {cluster: prod, user: robot, namespace: web}
                """.formatted(b64(CA), b64(CA), b64(CERT), b64(KEY));
    }

    @Test
    void theCurrentContextOrTheNamedOneWithItsCredentials() {
        Kubeconfig.Context c = Kubeconfig.select(twoContexts(), null, null);
        assertEquals("default", c.name());
        assertEquals("https://127.0.0.1:6443", c.server());
        assertEquals(CA, c.certificateAuthority());
        assertEquals(CERT, c.clientCertificate());
        assertEquals(KEY, c.clientKey());
        assertEquals(Kubeconfig.AUTH_CLIENT_CERTIFICATE, c.auth());

        Kubeconfig.Context robot = Kubeconfig.select(twoContexts(), "prod-robot", null);
        assertEquals("https://k8s.example.com:6443", robot.server(), "a trailing slash is dropped");
        assertEquals("web", robot.namespace());
        assertEquals("abc.def", robot.token());
        assertEquals(Kubeconfig.AUTH_TOKEN, robot.auth());
        assertFalse(robot.toString().contains("abc.def"), robot.toString());
    }

    @Test
    void minifyKeepsOneContextThatReadsBackTheSame() {
        for (String name : List.of("default", "prod-robot")) {
            Kubeconfig.Context c = Kubeconfig.select(twoContexts(), name, null);
            String small = Kubeconfig.minify(c);
            assertEquals(c, Kubeconfig.select(small, null, null));
            assertFalse(small.contains("prod-robot") && name.equals("default"), small);
        }
    }

    @Test
    void fileReferencesAreInlinedForLabctlAndRefusedByLabd() {
        String yaml = """
                current-context: c
                clusters: [{name: k, cluster: {server: "https://10.0.0.1:6443", certificate-authority: ca.crt}}]
                users: [{name: u, user: {client-certificate: u.crt, client-key: /keys/u.key}}]
                contexts: [{name: c, context: {cluster: k, user: u}}]
                """;
        Map<String, String> files = Map.of("ca.crt", CA, "u.crt", CERT, "/keys/u.key", KEY);
        List<String> read = new ArrayList<>();
        Kubeconfig.Context c = Kubeconfig.select(yaml, null, path -> {
            read.add(path);
            String text = files.get(path);
            if (text == null) {
                throw new NoSuchFileException(path);
            }
            return text.getBytes(StandardCharsets.UTF_8);
        });
        assertEquals(List.of("ca.crt", "u.crt", "/keys/u.key"), read);
        assertEquals(KEY, c.clientKey());
        InvalidInput refused = assertThrows(InvalidInput.class, () -> Kubeconfig.select(yaml, null, null));
        assertTrue(refused.getMessage().contains("labd reads no file a client names"), refused.getMessage());
        InvalidInput missing = assertThrows(InvalidInput.class, () -> Kubeconfig.select(yaml, null, path -> {
            throw new NoSuchFileException(path);
        }));
        assertTrue(missing.getMessage().startsWith("cannot read certificate-authority ca.crt"), missing.getMessage());
    }

    @Test
    void whatLabdCannotUseSafelyIsRefusedWithWhatToDoInstead() {
        String ca = b64(CA);
        Map<String, String> cases = Map.of(
                "exec plugin", "{token: x, exec: {command: aws-iam-authenticator}}",
                "auth-provider", "{auth-provider: {name: gcp}}",
                "impersonation", "{token: x, as: admin}",
                "a field labd does not know", "{tokn: x}",
                "client certificate but no key", "{client-certificate-data: " + b64(CERT) + "}");
        cases.forEach((why, user) -> {
            String yaml = "current-context: c\nclusters: [{name: k, cluster: {server: \"https://h:6443\","
                    + " certificate-authority-data: " + ca + "}}]\nusers: [{name: u, user: " + user + "}]\n"
                    + "contexts: [{name: c, context: {cluster: k, user: u}}]\n";
            InvalidInput e = assertThrows(InvalidInput.class, () -> Kubeconfig.select(yaml, null, null), why);
            assertEquals("invalid-kubeconfig", e.code());
        });
        assertTrue(refusal("{server: \"https://h:6443\", certificate-authority-data: " + ca + "}",
                "{exec: {command: aws-iam-authenticator}}").contains("aws-iam-authenticator"));
        assertTrue(refusal("{server: \"http://h:8080\", certificate-authority-data: " + ca + "}", "{token: x}")
                .contains("not an https:// URL"));
        assertTrue(refusal("{server: \"https://h:6443\", insecure-skip-tls-verify: true}", "{token: x}")
                .contains("insecure-skip-tls-verify"));
        assertTrue(refusal("{server: \"https://h:6443\"}", "{token: x}").contains("no certificate-authority-data"));
        assertTrue(refusal("{server: \"https://h:6443\", certificate-authority-data: " + b64("not pem") + "}",
                "{token: x}").contains("not PEM"));
    }

    static String refusal(String cluster, String user) {
        String yaml = "current-context: c\nclusters: [{name: k, cluster: " + cluster + "}]\nusers: [{name: u, user: "
                + user + "}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n";
        return assertThrows(InvalidInput.class, () -> Kubeconfig.select(yaml, null, null)).getMessage();
    }

    @Test
    void contextsThatDoNotResolveNameWhatExists() {
        assertTrue(assertThrows(InvalidInput.class, () -> Kubeconfig.select(twoContexts(), "staging", null))
                .getMessage().contains("no context 'staging' (contexts: default, prod-robot)"));
        String noCurrent = twoContexts().replace("current-context: default\n", "");
        assertTrue(assertThrows(InvalidInput.class, () -> Kubeconfig.select(noCurrent, "", null))
                .getMessage().contains("no current-context: name one with --kube-context"));
        assertTrue(assertThrows(InvalidInput.class, () -> Kubeconfig.select(twoContexts().replace("user: robot,",
                "user: nobody,"), "prod-robot", null)).getMessage().contains("names user 'nobody'"));
        assertThrows(InvalidInput.class, () -> Kubeconfig.select("", null, null));
        assertThrows(InvalidInput.class, () -> Kubeconfig.select("[1, 2]", null, null));
        assertThrows(InvalidInput.class, () -> Kubeconfig.select("a: [", null, null));
        assertThrows(InvalidInput.class, () -> Kubeconfig.select("x".repeat(Kubeconfig.MAX_BYTES + 1), null, null));
    }

    @Test
    void noCredentialIsAllowedButNamedAsNone() {
        String yaml = "current-context: c\nclusters: [{name: k, cluster: {server: \"https://h:6443\","
                + " certificate-authority-data: " + b64(CA) + "}}]\ncontexts: [{name: c, context: {cluster: k}}]\n";
        Kubeconfig.Context c = Kubeconfig.select(yaml, null, null);
        assertEquals(Kubeconfig.AUTH_NONE, c.auth());
        assertNull(c.token());
    }
}
