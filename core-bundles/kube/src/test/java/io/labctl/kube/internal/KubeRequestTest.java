package io.labctl.kube.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.labctl.protocol.access.Action;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Requests as kubectl sends them, read as the API server reads them, and the labctl actions each needs. */
class KubeRequestTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // method | path | query | verb | group | namespace | resource | subresource | name | actions
            "GET    | /api/v1/namespaces/default/pods            | limit=500      | list  | '' | default | pods | - | - | KUBECTL",
            "GET    | /api/v1/namespaces/default/pods            | watch=true&resourceVersion=7 | watch | '' | default | pods | - | - | KUBECTL",
            "GET    | /api/v1/watch/namespaces/default/pods      | -              | watch | '' | default | pods | - | - | KUBECTL",
            "GET    | /api/v1/namespaces/default/pods/web-1      | -              | get   | '' | default | pods | - | web-1 | KUBECTL",
            "GET    | /api/v1/namespaces/default/pods/web-1/log  | follow=true    | get   | '' | default | pods | log | web-1 | KUBECTL",
            "POST   | /api/v1/namespaces/default/pods/web-1/exec | command=sh     | create | '' | default | pods | exec | web-1 | KUBECTL EXEC",
            "GET    | /api/v1/namespaces/default/pods/web-1/exec | command=sh&stdin=true | get | '' | default | pods | exec | web-1 | KUBECTL EXEC",
            "GET    | /api/v1/namespaces/default/pods/web-1/portforward | ports=80 | get | '' | default | pods | portforward | web-1 | KUBECTL EXEC",
            "GET    | /api/v1/namespaces/default/services/web:80/proxy/admin | - | get | '' | default | services | proxy | web:80 | KUBECTL EXEC",
            "PATCH  | /api/v1/namespaces/default/pods/web-1/ephemeralcontainers | - | patch | '' | default | pods | ephemeralcontainers | web-1 | KUBECTL MANAGE EXEC",
            "DELETE | /api/v1/namespaces/default/pods/web-1      | -              | delete | '' | default | pods | - | web-1 | KUBECTL DESTROY",
            "DELETE | /api/v1/namespaces/default/pods            | labelSelector=app%3Dweb | deletecollection | '' | default | pods | - | - | KUBECTL DESTROY",
            "POST   | /apis/apps/v1/namespaces/web/deployments   | -              | create | apps | web | deployments | - | - | KUBECTL MANAGE",
            "PUT    | /apis/apps/v1/namespaces/web/deployments/api/scale | -    | update | apps | web | deployments | scale | api | KUBECTL MANAGE",
            "GET    | /api/v1/namespaces/kube-system/secrets     | -              | list  | '' | kube-system | secrets | - | - | KUBECTL MANAGE",
            "GET    | /api/v1/namespaces/default/secrets/db      | -              | get   | '' | default | secrets | - | db | KUBECTL MANAGE",
            "GET    | /api/v1/namespaces/kube-system             | -              | get   | '' | kube-system | namespaces | - | kube-system | KUBECTL",
            "GET    | /api/v1/nodes                              | -              | list  | '' | - | nodes | - | - | KUBECTL",
            "DELETE | /api/v1/namespaces/prod                    | -              | delete | '' | prod | namespaces | - | prod | KUBECTL DESTROY",
    })
    void readAsTheApiServerReadsIt(String method, String path, String query, String verb, String group, String namespace,
                                   String resource, String subresource, String name, String actions) {
        KubeRequest r = KubeRequest.parse(method, path, query);
        assertEquals(verb, r.verb());
        assertEquals(group, r.group());
        assertEquals(namespace, r.namespace());
        assertEquals(resource, r.resource());
        assertEquals(subresource, r.subresource());
        assertEquals(name, r.name());
        EnumSet<Action> expected = EnumSet.noneOf(Action.class);
        for (String a : actions.split(" ")) {
            expected.add(Action.valueOf(a));
        }
        assertEquals(expected, r.actions());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/version", "/api", "/apis", "/apis/apps", "/api/v1", "/apis/apps/v1", "/openapi/v2",
            "/openapi/v3/api/v1", "/healthz"})
    void discoveryAndHealthAreReadsThatNeedKubectlAlone(String path) {
        KubeRequest r = KubeRequest.parse("GET", path, null);
        assertFalse(r.resourceRequest());
        assertEquals(Set.of(Action.KUBECTL), r.actions());
        assertEquals(Set.of(Action.KUBECTL, Action.MANAGE), KubeRequest.parse("POST", path, null).actions());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/namespaces/default/pods/../../kube-system/secrets",
            "/api/v1/namespaces/default/pods/%2e%2e/secrets", "/api/v1/namespaces/default%2Fsecrets",
            "/api/v1//namespaces/default/pods", "/api/v1/namespaces/default/pods/web-1/exec/extra",
            "api/v1/pods", "", "/api/v1/namespaces/a\\b/pods", "/api/v1/pods/./x"})
    void pathsThatCouldMeanSomethingElseAreRefused(String path) {
        assertThrows(IllegalArgumentException.class, () -> KubeRequest.parse("GET", path, null), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"CONNECT", "TRACE", "OPTIONS", ""})
    void methodsTheApiServerDoesNotServeAreRefused(String method) {
        assertThrows(IllegalArgumentException.class, () -> KubeRequest.parse(method, "/api/v1/pods", null));
    }
}
