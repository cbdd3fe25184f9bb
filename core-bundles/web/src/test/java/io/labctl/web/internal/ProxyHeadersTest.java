package io.labctl.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What of a caller's request reaches a proxy backend, and what a relayed close says. */
class ProxyHeadersTest {

    @Test
    void onlyEndToEndHeadersTheRouteDoesNotSetAreForwarded() {
        Map<String, List<String>> sent = new LinkedHashMap<>();
        sent.put("Accept", List.of("application/json;as=Table;v=v1;g=meta.k8s.io"));
        sent.put("User-Agent", List.of("kubectl/v1.33.1"));
        sent.put("Authorization", List.of("Bearer the-callers-own"));   // labd's credential, never the backend's
        sent.put("Cookie", List.of("x=1"));
        sent.put("Connection", List.of("Upgrade, X-Hop"));
        sent.put("X-Hop", List.of("named in Connection"));
        sent.put("Upgrade", List.of("websocket"));
        sent.put("Sec-WebSocket-Key", List.of("abc"));
        sent.put("Host", List.of("labd:8443"));
        sent.put("Content-Length", List.of("12"));
        sent.put("X-Labctl-Session", List.of("s1"));
        sent.put("impersonate-user", List.of("x"));                       // the route's to set (here: it does)
        sent.put("Audit-Id", List.of("a1"));
        sent.put("Accept", List.of("application/json"));
        ProxyExchange exchange = new ProxyExchange(null, "GET", "/api", null, sent, false, null, null, "127.0.0.1", "kube");

        List<String> forwarded = new ArrayList<>();
        ProxyHandler.copyRequestHeaders(exchange, Map.of("Impersonate-User", "labctl:vera"),
                (name, value) -> forwarded.add(name + ": " + value));
        assertEquals(List.of("Accept: application/json", "Audit-Id: a1", "User-Agent: kubectl/v1.33.1"),
                forwarded.stream().sorted().toList());
    }

    @Test
    void aHeaderTheJdkClientRefusesIsSkippedNotFatal() {
        ProxyExchange exchange = new ProxyExchange(null, "GET", "/api", null,
                Map.of("Date", List.of("today"), "Accept", List.of("*/*")), false, null, null, "127.0.0.1", "kube");
        List<String> forwarded = new ArrayList<>();
        ProxyHandler.copyRequestHeaders(exchange, Map.of(), (name, value) -> {
            if (name.equalsIgnoreCase("Date")) {
                throw new IllegalArgumentException("restricted header name: Date");
            }
            forwarded.add(name);
        });
        assertEquals(List.of("Accept"), forwarded);
    }

    @Test
    void closeCodesThatMayNotBeSentAreReplaced() {
        assertEquals(1000, ProxySocket.closeCode(1000));
        assertEquals(4403, ProxySocket.closeCode(4403));
        assertEquals(1000, ProxySocket.closeCode(1005));
        assertEquals(1011, ProxySocket.closeCode(1006));
        assertEquals(1011, ProxySocket.closeCode(1015));
        assertEquals(1011, ProxySocket.closeCode(999));
    }

    @Test
    void webSocketUrisKeepPathAndQuery() {
        assertEquals("wss://10.0.0.1:6443/api/v1/namespaces/d/pods/p/exec?command=sh&stdin=true",
                ProxyUpgrades.webSocketUri(java.net.URI.create(
                        "https://10.0.0.1:6443/api/v1/namespaces/d/pods/p/exec?command=sh&stdin=true")).toString());
    }
}
