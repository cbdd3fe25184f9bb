package io.labctl.cli;

import io.labctl.cli.config.ContextEntry;
import io.labctl.cli.config.LabctlConfig;
import io.labctl.cli.render.AccessPrinter;
import io.labctl.cli.render.AuditPrinter;
import io.labctl.cli.render.Formats;
import io.labctl.cli.render.ServerPrinter;
import io.labctl.cli.render.TokenPrinter;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.Json;
import io.labctl.protocol.Selector;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.RoleInfo;
import io.labctl.protocol.access.UserInfo;
import java.net.http.HttpClient;
import java.security.KeyStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Loads the classes the common verbs need (YAML config, JSON, tables, the HTTP client, key stores) without doing
 * any I/O, so that the AppCDS archive the launcher dumps on a 'labctl version' run covers them too. Only runs when
 * the launcher sets LABCTL_CDS_TRAINING=1 for that one run.
 */
final class CdsTraining {
    private CdsTraining() {}

    static void warm() {
        try {
            Instant now = Instant.now();
            ServerInfo s = new ServerInfo("i", "n", "c", "e", "r", Map.of("k", "v"), ServerInfo.ONLINE, now, now,
                    new HostFacts("h", "os", "k", "a", 1, 1L, List.of("10.0.0.1"), "v", List.of("f")), "1", now);
            TokenInfo t = new TokenInfo("0123456789abcdef", false, "c", "e", "r", Map.of(), null, null, now, now, 0,
                    null, null, "active");
            ServerPrinter.table(List.of(s), true, now);
            ServerPrinter.describe(s, now);
            TokenPrinter.table(List.of(t), true, now);
            AccessPrinter.users(List.of(new UserInfo("u", List.of("r"), now, "a")), true, now);
            AccessPrinter.roles(List.of(new RoleInfo("r", "d", List.of("read:*:*:*"), List.of(), List.of("u"), false, now)),
                    true, now);
            AuditPrinter.table(List.of(new AuditEntry("i", 1, now, "u", "0123abcd", "s", "a", "r", "ok", 1L, null)), true);
            Json.json().readValue(Formats.json(List.of(s)), ServerInfo[].class);
            Json.yaml().readValue(Formats.yaml(List.of(t)), TokenInfo[].class);
            LabctlConfig c = LabctlConfig.empty().withContext(new ContextEntry("x", "https://h:1", "u", "a", "b", "c"));
            Json.yaml().readValue(Json.yaml().writeValueAsString(c), LabctlConfig.class);
            Selector.parse("a=b,c!=d,e,!f").and("env", "x");
            KeyStore.getInstance("PKCS12").load(null, null);
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        } catch (Exception e) {
            // training is best effort
        }
    }
}
