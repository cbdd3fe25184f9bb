package io.labctl.registry.command;

import io.labctl.api.ServerRegistry;
import io.labctl.protocol.Selector;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import io.labctl.shell.LabCommand;
import io.labctl.shell.Table;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:servers: managed servers, filtered like GET /api/v1/servers (read, per server). */
@Service
@Command(scope = "lab", name = "servers", description = "List managed servers.",
        detailedDescription = "Lists the servers you may read, optionally those a selector matches, e.g. "
                + "-s env=lab,cloud=baremetal or -s '!decommissioned'.")
public class ServersCommand extends LabCommand {
    @Reference(optional = true)
    ServerRegistry registry;

    @Option(name = "-s", aliases = "--selector", description = "Only servers matching this selector (key=value, "
            + "key!=value, key, !key, key>=N, key<=N, key>N, key<N; comma-separated, all must hold; keys: name, env, "
            + "cloud, role, the facts os, os.version, arch, kernel, cpus, memory (GiB), or a label)")
    String selector;

    public ServersCommand() {
        super("shell.server.list", false);
    }

    @Override
    protected String resource() {
        return selector == null ? "/v1/servers" : "/v1/servers?selector=" + selector;
    }

    @Override
    protected void run(PrintStream out) {
        ServerRegistry servers = need(registry, REGISTRY);
        Selector s = Selector.parse(selector);
        Table t = new Table("NAME", "CLOUD", "ENV", "ROLE", "STATUS", "LAST-SEEN");
        for (ServerInfo i : servers.list(caller(), s)) {
            t.row(i.name(), i.cloud(), i.environment(), i.role(), i.status(), Table.ago(i.lastSeen(), now()));
        }
        out.print(t.isEmpty() ? (selector == null ? "No servers.\n" : "No servers match " + s + ".\n") : t.render());
    }
}
