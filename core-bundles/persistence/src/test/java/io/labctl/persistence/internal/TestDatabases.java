package io.labctl.persistence.internal;

import io.labctl.persistence.Database;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

/** For other bundles' tests: a real embedded PostgreSQL with labd's schema, exactly as labd starts it. */
public final class TestDatabases {
    private TestDatabases() {}

    public static DatabaseService start(Path dataDir) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return new DatabaseService(config(Map.of("dataDir", dataDir.toString(), "embeddedPort", port, "embeddedDurable", false)));
    }

    public static void stop(Database db) throws IOException {
        if (db instanceof DatabaseService s) {
            s.deactivate();
        }
    }

    static PersistenceConfig config(Map<String, Object> values) {
        return (PersistenceConfig) Proxy.newProxyInstance(PersistenceConfig.class.getClassLoader(),
                new Class<?>[] {PersistenceConfig.class}, (proxy, method, args) ->
                        values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue());
    }
}
