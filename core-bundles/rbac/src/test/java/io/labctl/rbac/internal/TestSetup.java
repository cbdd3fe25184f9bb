package io.labctl.rbac.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Typed configuration for the service, as DS would build it from io.labctl.rbac.cfg. */
final class TestSetup {
    private TestSetup() {}

    static RbacConfig config(int pollSeconds, int userCertificateDays) {
        Map<String, Object> values = Map.of("pollSeconds", pollSeconds, "userCertificateDays", userCertificateDays);
        return (RbacConfig) Proxy.newProxyInstance(RbacConfig.class.getClassLoader(), new Class<?>[] {RbacConfig.class},
                (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName())
                        : method.getDefaultValue());
    }
}
