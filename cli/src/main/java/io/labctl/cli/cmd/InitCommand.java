package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.RunsLocally;
import io.labctl.cli.CliException;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.config.ContextEntry;
import io.labctl.cli.http.LabdClient;
import io.labctl.cli.quickstart.BastionHost;
import io.labctl.cli.quickstart.Quickstart;
import io.labctl.cli.render.Formats;
import io.labctl.cli.render.Table;
import io.labctl.protocol.Api;
import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.Names;
import io.labctl.protocol.TokenSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Set up labctl components on this host.", "",
                "Examples:",
                "  sudo labctl init bastion standalone start --interface eno2 --dhcp proxy",
                "  labctl init bastion standalone status"},
        subcommands = InitCommand.BastionGroup.class)
public final class InitCommand implements Runnable, RunsLocally {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing component: bastion");
    }

    @Command(name = "bastion", mixinStandardHelpOptions = true,
            description = {"A PXE bastion: DHCP or proxyDHCP on one interface, TFTP, boot HTTP, installer files.",
                    "It runs inside labd (the labd-bastion feature, configured by etc/io.labctl.bastion.cfg) or",
                    "standalone on the provisioning network's host ('standalone')."},
            subcommands = StandaloneGroup.class)
    static final class BastionGroup implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new ParameterException(spec.commandLine(), "missing mode: standalone");
        }
    }

    @Command(name = "standalone", mixinStandardHelpOptions = true,
            description = {"A bastion of its own on this host: a lab-agent with the bastion feature that enrols with",
                    "labd (a one-time token of role bastion, minted with your labctl context) and asks labd for",
                    "plans. With no labd reachable it still serves discovery and tells booting machines that plans",
                    "need labd."},
            subcommands = {Start.class, Stop.class, Status.class})
    static final class StandaloneGroup implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new ParameterException(spec.commandLine(), "missing action: start, stop or status");
        }
    }

    /** --data-dir, shared by start, stop and status. */
    abstract static class DataDirCommand extends LabdCommand {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the bastion keeps its state (default: ${DEFAULT-VALUE}).")
        Path dataDir = BastionHost.DEFAULT_DATA_DIR;

        DataDirCommand(Cli cli) {
            super(cli);
        }

        BastionHost host() {
            return new BastionHost(cli, dataDir);
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Install (first time), configure and start the standalone bastion. Needs root: DHCP uses",
                    "port 67 and TFTP port 69. Settings given once are kept in the data directory.", "",
                    "Examples:",
                    "  sudo labctl init bastion standalone start --interface eno2            # proxyDHCP beside your DHCP",
                    "  sudo labctl init bastion standalone start --interface eno2 --dhcp full --pool 10.0.9.100-10.0.9.200",
                    "  sudo labctl init bastion standalone start --foreground --port 8081"})
    static final class Start extends DataDirCommand {
        @Option(names = "--interface", paramLabel = "IF", description = "The provisioning interface; DHCP is served only there.")
        String iface;

        @Option(names = "--address", paramLabel = "IPV4", description = "The bastion's address on it (default: the interface's first IPv4).")
        String address;

        @Option(names = "--dhcp", paramLabel = "MODE", description = "full, proxy (default) or off.")
        String dhcp;

        @Option(names = "--pool", paramLabel = "FIRST-LAST", description = "Addresses handed out in --dhcp full, e.g. 10.0.9.100-10.0.9.200.")
        String pool;

        @Option(names = "--port", paramLabel = "PORT", description = "Boot HTTP port (default 8080).")
        Integer port;

        @Option(names = "--env", paramLabel = "ENV", description = "Environment of the machines it provisions, under cloud baremetal (default lab).")
        String env;

        @Option(names = "--name", paramLabel = "NAME", description = "Its server name in labd (default bastion-<host>).")
        String name;

        @Option(names = "--labd", paramLabel = "URL", description = "labd's HTTPS address (default: your labctl context's).")
        String labd;

        @Option(names = "--token-file", paramLabel = "FILE",
                description = "A join token (role bastion) to enrol with, instead of minting one with your context.")
        Path tokenFile;

        @Option(names = "--agent-dist", paramLabel = "TAR.GZ", description = "The lab-agent distribution (default: the one built in this source tree).")
        Path agentDist;

        @Option(names = "--foreground", description = "Run in the foreground (for systemd or a terminal) instead of in the background.")
        boolean foreground;

        Start(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() throws IOException {
            String dhcpMode = dhcp == null ? null : dhcp.toLowerCase(java.util.Locale.ROOT);
            if (dhcpMode != null && !Set.of("full", "proxy", "off").contains(dhcpMode)) {
                throw usage("--dhcp '" + dhcp + "' is not one of full, proxy, off");
            }
            String poolStart = null;
            String poolEnd = null;
            if (pool != null) {
                String[] ends = pool.split("-");
                if (ends.length != 2) {
                    throw usage("--pool '" + pool + "' must be FIRST-LAST, e.g. 10.0.9.100-10.0.9.200");
                }
                poolStart = ends[0].strip();
                poolEnd = ends[1].strip();
            }
            if ("full".equals(dhcpMode) && pool == null) {
                throw usage("--dhcp full hands out addresses: give them with --pool FIRST-LAST");
            }
            if (port != null && (port < 1 || port > 65535)) {
                throw usage("--port " + port + " is not a TCP port");
            }
            String serverName = name == null ? null : name.strip();
            try {
                if (serverName != null) {
                    Names.require("bastion name", serverName);
                }
                if (env != null) {
                    Names.require("environment", env);
                }
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            if (!isRoot()) {
                throw new CliException(ExitCodes.REFUSED, "the bastion serves DHCP (port 67) and TFTP (port 69): run it"
                        + " as root (sudo labctl init bastion standalone start ...)");
            }
            BastionHost host = host();
            Map<String, Object> before = host.status();
            boolean enrolled = Boolean.TRUE.equals(before.get("enrolled"));
            ContextEntry context = contextOrNull();
            String labdUrl = labd;
            if (labdUrl == null && before.get("labd") == null && context != null) {
                labdUrl = context.server();
            }
            if (serverName == null && before.get("name") == null) {
                serverName = "bastion-" + Quickstart.shortHostName();
            }
            String token = null;
            if (tokenFile != null) {
                token = Files.readString(tokenFile).strip();
            } else if (!enrolled) {
                token = mint(context, serverName != null ? serverName : (String) before.get("name"), env == null ? "lab" : env);
            }
            return host.start(new BastionHost.Options(iface, address, dhcpMode, poolStart, poolEnd, port, env,
                    serverName, labdUrl, tokenFile, agentDist), token, foreground);
        }

        private ContextEntry contextOrNull() {
            try {
                return cli.context();
            } catch (RuntimeException e) {
                return null;
            }
        }

        /** A one-time token of role bastion for this host, valid 10 minutes; null when labd cannot be asked. */
        private String mint(ContextEntry context, String serverName, String environment) {
            if (context == null) {
                cli.err().println("note: no labctl context to mint a join token with; give one with --token-file");
                return null;
            }
            try {
                // a bastion's environment is under baremetal: made here when it is the first bastion there
                CreateCommand.Environment.ensure(LabdClient.forContext(context, cli.sessionId()), environment,
                        "baremetal");
                IssuedToken issued = LabdClient.forContext(context, cli.sessionId()).post(Api.TOKENS, new TokenSpec(false, Duration.ofMinutes(10).toSeconds(),
                        "baremetal", environment, "bastion", Map.of(), serverName, "standalone bastion " + serverName),
                        IssuedToken.class);
                cli.err().println("created a one-time join token for bastion '" + serverName + "' (valid 10 minutes)");
                return issued.token();
            } catch (CliException e) {
                cli.err().println("note: cannot mint a join token (" + e.getMessage() + "); starting without one");
                return null;
            }
        }

        private static boolean isRoot() {
            try {
                return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
            } catch (IOException | UnsupportedOperationException e) {
                return "root".equals(System.getProperty("user.name"));
            }
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = {"Stop the standalone bastion (its state stays in the data directory).", "",
                    "Examples:",
                    "  sudo labctl init bastion standalone stop"})
    static final class Stop extends DataDirCommand {
        Stop(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            return host().stop();
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Show whether the standalone bastion runs, its pid, what it serves and whether it enrolled.",
                    "Exit code 0 when it runs, 3 when it does not (as 'systemctl status' does).", "",
                    "Examples:",
                    "  labctl init bastion standalone status",
                    "  labctl init bastion standalone status -o json"})
    static final class Status extends DataDirCommand {
        static final int NOT_RUNNING = 3;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml (default: a table).")
        String output;

        Status(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() throws IOException {
            String format = output(output, Set.of("json", "yaml"));
            Map<String, Object> status = host().status();
            if ("json".equals(format)) {
                print(Formats.json(status));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(status));
            } else {
                Table t = new Table(List.of("KEY", "VALUE"));
                status.forEach((k, v) -> t.row(k, v == null ? "" : v.toString()));
                print(t.render());
            }
            return "running".equals(status.get("state")) ? ExitCodes.OK : NOT_RUNNING;
        }
    }
}
