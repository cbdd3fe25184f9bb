package io.labctl.cli.cmd;

import com.fasterxml.jackson.databind.JavaType;
import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.render.AccessPrinter;
import io.labctl.cli.render.Formats;
import io.labctl.cli.render.ServerPrinter;
import io.labctl.cli.render.TokenPrinter;
import io.labctl.protocol.Api;
import io.labctl.protocol.Json;
import io.labctl.protocol.Selector;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.access.EffectiveRule;
import io.labctl.protocol.access.RoleInfo;
import io.labctl.protocol.access.UserInfo;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "get", mixinStandardHelpOptions = true,
        description = {"List resources.", "", "Examples:",
                "  labctl get servers",
                "  labctl get servers --env lab --cloud baremetal -o wide",
                "  labctl get servers -l 'role=worker,rack!=r9' --label zone=a -o json",
                "  labctl get tokens -o wide",
                "  labctl get users",
                "  labctl get roles -o wide",
                "  labctl get permissions -o yaml",
                "  labctl get recordings",
                "  labctl get credentials",
                "  labctl get clusters",
                "  labctl get environments",
                "  labctl get clouds",
                "  labctl get runs --env lab"},
        subcommands = {GetCommand.Servers.class, GetCommand.Tokens.class, GetCommand.Users.class, GetCommand.Roles.class,
                GetCommand.Permissions.class, GetCommand.Recordings.class, GetCommand.Credentials.class,
                GetCommand.Clusters.class, GetCommand.Environments.class, GetCommand.Clouds.class, GetCommand.Runs.class})
public final class GetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing resource type: one of servers, tokens, users, roles, permissions, recordings, credentials, clusters, environments, clouds, runs");
    }

    /** The one selector of a server query: -l text, then --env, --cloud and each --label, all of which must hold. */
    public static Selector compose(String selector, String env, String cloud, Map<String, String> labels) {
        Selector s = Selector.parse(selector);
        if (env != null) {
            s = s.and("env", env);
        }
        if (cloud != null) {
            s = s.and("cloud", cloud);
        }
        if (labels != null) {
            for (Map.Entry<String, String> e : labels.entrySet()) {
                s = s.and(e.getKey(), e.getValue());
            }
        }
        return s;
    }

    @Command(name = "servers", aliases = {"server", "agents", "agent"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"List servers, optionally filtered by a selector.", "",
                    "A selector is comma-separated requirements that must all hold:",
                    "key=value, key!=value, key (present), !key (absent) or a whole-number",
                    "comparison key>=N, key<=N, key>N, key<N.",
                    "env, cloud, role and name address the server's own fields; os, os.version,",
                    "arch, kernel, cpus and memory (GiB) the facts its agent reports; any other",
                    "key is a label. --env, --cloud and --label add requirements.", "",
                    "Examples:",
                    "  labctl get servers",
                    "  labctl get servers -l 'os=debian,os.version=12,cpus>=4,memory>=8'",
                    "  labctl get servers --env lab --cloud baremetal",
                    "  labctl get servers -l 'role=worker,!draining' -o wide",
                    "  labctl get agents -o wide        # the same list; wide shows each agent's CAPABILITIES",
                    "  labctl get servers --label rack=r1 --label zone=a -o yaml"})
    static final class Servers extends LabdCommand {
        @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "Selector, e.g. env=lab,role!=infra,gpu")
        String selector;

        @Option(names = "--env", paramLabel = "ENV", description = "Only servers in this environment (env=ENV).")
        String env;

        @Option(names = "--cloud", paramLabel = "CLOUD", description = "Only servers in this cloud (cloud=CLOUD).")
        String cloud;

        @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Only servers with this label; repeatable.")
        Map<String, String> labels = new LinkedHashMap<>();

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "wide, json or yaml (default: a table).")
        String output;

        Servers(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String format = output(output, Set.of("wide", "json", "yaml"));
            Selector sel;
            try {
                sel = compose(selector, env, cloud, labels);
            } catch (IllegalArgumentException e) {
                throw usage("invalid selector: " + e.getMessage());
            }
            String path = Api.SERVERS;
            String text = sel.toString();
            if (!text.isEmpty()) {
                path += "?selector=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
            }
            JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class, ServerInfo.class);
            List<ServerInfo> servers = client().get(path, type);
            if (servers == null) {
                servers = List.of();
            }
            if ("json".equals(format)) {
                print(Formats.json(servers));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(servers));
            } else if (servers.isEmpty()) {
                cli.err().println("No servers found.");
            } else {
                boolean wide = "wide".equals(format);
                print(ServerPrinter.table(servers, wide, wide ? modulesByServer() : null, cli.now()));
            }
            return ExitCodes.OK;
        }

        /**
         * The MODULES column: one call for every server's module states. The column is an extra, never the reason
         * 'get servers' fails: without the modules capability (or if labd refuses the call) it shows '-'.
         */
        private Map<String, String> modulesByServer() {
            try {
                List<io.labctl.protocol.modules.ServerModuleStatus> statuses = ModulesCommand.statuses(client(), "");
                return statuses == null ? null : io.labctl.cli.render.ModulePrinter.perServer(statuses);
            } catch (io.labctl.cli.http.LabdRefusal e) {
                return null;
            }
        }
    }

    @Command(name = "tokens", aliases = {"token"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"List join tokens (never their secrets).", "",
                    "Examples:",
                    "  labctl get tokens",
                    "  labctl get tokens -o wide",
                    "  labctl get tokens -o json"})
    static final class Tokens extends LabdCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "wide, json or yaml (default: a table).")
        String output;

        Tokens(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String format = output(output, Set.of("wide", "json", "yaml"));
            JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class, TokenInfo.class);
            List<TokenInfo> tokens = client().get(Api.TOKENS, type);
            if (tokens == null) {
                tokens = List.of();
            }
            if ("json".equals(format)) {
                print(Formats.json(tokens));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(tokens));
            } else if (tokens.isEmpty()) {
                cli.err().println("No tokens found.");
            } else {
                print(TokenPrinter.table(tokens, "wide".equals(format), cli.now()));
            }
            return ExitCodes.OK;
        }
    }

    /** GET a list, then print it as -o asks, or the table, or "No X found." on stderr. */
    static <T> void list(LabdCommand cmd, String output, String path, Class<T> item, String what,
                         java.util.function.BiFunction<List<T>, Boolean, String> table) {
        String format = cmd.output(output, Set.of("wide", "json", "yaml"));
        JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class, item);
        List<T> items = cmd.client().get(path, type);
        if (items == null) {
            items = List.of();
        }
        if ("json".equals(format)) {
            cmd.print(Formats.json(items));
        } else if ("yaml".equals(format)) {
            cmd.print(Formats.yaml(items));
        } else if (items.isEmpty()) {
            cmd.cli.err().println("No " + what + " found.");
        } else {
            cmd.print(table.apply(items, "wide".equals(format)));
        }
    }

    @Command(name = "users", aliases = {"user"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"List labctl users and the roles bound to them.", "",
                    "Examples:",
                    "  labctl get users",
                    "  labctl get users -o wide",
                    "  labctl get users -o json"})
    static final class Users extends LabdCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
                description = "wide (adds the creation time), json or yaml (default: a table).")
        String output;

        Users(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            list(this, output, Api.USERS, UserInfo.class, "users", (users, wide) -> AccessPrinter.users(users, wide, cli.now()));
            return ExitCodes.OK;
        }
    }

    @Command(name = "roles", aliases = {"role"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"List roles: their allow and deny rules and the users bound to them.", "",
                    "A rule is a permission action:cloud:environment:server, each segment a name or *.",
                    "A deny rule beats any allow rule; builtin roles cannot be deleted.", "",
                    "Examples:",
                    "  labctl get roles",
                    "  labctl get roles -o wide",
                    "  labctl get roles -o yaml"})
    static final class Roles extends LabdCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
                description = "wide (adds the description), json or yaml (default: a table).")
        String output;

        Roles(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            list(this, output, Api.ROLES, RoleInfo.class, "roles", (roles, wide) -> AccessPrinter.roles(roles, wide, cli.now()));
            return ExitCodes.OK;
        }
    }

    @Command(name = "permissions", aliases = {"permission", "perms"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"List every rule of every role: the role, allow or deny, and the permission.", "",
                    "Examples:",
                    "  labctl get permissions",
                    "  labctl get permissions -o json"})
    static final class Permissions extends LabdCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "wide, json or yaml (default: a table).")
        String output;

        Permissions(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            list(this, output, Api.PERMISSIONS, EffectiveRule.class, "permissions",
                    (rules, wide) -> AccessPrinter.permissions(rules));
            return ExitCodes.OK;
        }
    }

    @Command(name = "recordings", aliases = {"recording"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"List recorded exec sessions (labd records output only with recordSessions on in",
                    "etc/io.labctl.exec.cfg; reading them needs admin). 'labctl logs recording/ID' prints one.", "",
                    "Examples:",
                    "  labctl get recordings",
                    "  labctl get recordings -o json"})
    static final class Recordings extends LabdCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml (default: a table).")
        String output;

        Recordings(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            list(this, output, Api.RECORDINGS, io.labctl.protocol.exec.RecordingInfo.class, "recordings",
                    (items, wide) -> io.labctl.cli.render.RecordingPrinter.table(items, cli.now()));
            return ExitCodes.OK;
        }
    }

    @Command(name = "credentials", aliases = {"credential"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"List the credentials labd clones private git repositories with: name, kind (token or",
                    "ssh-key), the module sources that use it, who created it and when. Never a secret.",
                    "Needs admin everywhere (admin:*:*:*).", "",
                    "Examples:",
                    "  labctl get credentials",
                    "  labctl get credentials -o yaml"})
    static final class Credentials extends LabdCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml (default: a table).")
        String output;

        Credentials(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String format = output(output, Set.of("json", "yaml"));
            JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class,
                    io.labctl.protocol.sources.CredentialInfo.class);
            List<io.labctl.protocol.sources.CredentialInfo> list = client().get(io.labctl.protocol.sources.CredentialInfo.PATH, type);
            if (list == null) {
                list = List.of();
            }
            if ("json".equals(format)) {
                print(Formats.json(list));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(list));
            } else {
                print(io.labctl.cli.render.SourcePrinter.credentials(list, cli.now()));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "clusters", aliases = {"cluster"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"List the Kubernetes clusters you may read, as 'labctl clusters list' does.", "",
                    "Examples:",
                    "  labctl get clusters",
                    "  labctl get clusters -o wide"})
    static final class Clusters extends LabdCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "wide, json or yaml (default: a table).")
        String output;

        Clusters(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            return ClustersCommand.list(this, output);
        }
    }

    @Command(name = "environments", aliases = {"environment", "envs", "env"}, mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {"List the environments you may read (read on CLOUD:ENV:*), each with its cloud.",
                    "An environment's name is unique across clouds, so --env NAME alone names it.", "",
                    "Examples:",
                    "  labctl get environments",
                    "  labctl get environments -o wide      # who created each",
                    "  labctl get environments -o json"})
    static final class Environments extends LabdCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "wide, json or yaml (default: a table).")
        String output;

        Environments(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            list(this, output, io.labctl.protocol.environments.EnvironmentInfo.PATH,
                    io.labctl.protocol.environments.EnvironmentInfo.class, "environments",
                    (items, wide) -> io.labctl.cli.render.EnvironmentPrinter.table(items, wide, cli.now()));
            return ExitCodes.OK;
        }
    }

    @Command(name = "clouds", aliases = {"cloud"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"List the clouds and how many of their environments you may read. baremetal (machines",
                    "labctl provisions; every bastion's environment) and local (the machine labctl runs on) are",
                    "built in; any other cloud comes with its first environment and goes with its last.", "",
                    "Examples:",
                    "  labctl get clouds",
                    "  labctl get clouds -o wide            # with the environments' names",
                    "  labctl get clouds -o yaml"})
    static final class Clouds extends LabdCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "wide, json or yaml (default: a table).")
        String output;

        Clouds(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            list(this, output, io.labctl.protocol.environments.EnvironmentInfo.CLOUDS,
                    io.labctl.protocol.environments.CloudInfo.class, "clouds",
                    (items, wide) -> io.labctl.cli.render.EnvironmentPrinter.clouds(items, wide));
            return ExitCodes.OK;
        }
    }

    @Command(name = "runs", aliases = {"run"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"List Pulumi runs (plan, apply, destroy) you may read (read on CLOUD:ENV:*), newest first.",
                    "CHANGES counts creates (+), updates and replaces (~) and deletes (-); a plan's are what an",
                    "apply would do.", "",
                    "Examples:",
                    "  labctl get runs",
                    "  labctl get runs --env lab -o wide",
                    "  labctl get runs --app postgresql",
                    "  labctl get runs -o json | jq -r '.[] | select(.status == \"failed\") | .id'"})
    static final class Runs extends LabdCommand {
        @Option(names = "--env", paramLabel = "ENV", description = "Only runs in this environment.")
        String environment;

        @Option(names = "--app", paramLabel = "APP", description = "Only runs of this app.")
        String app;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N runs (default 100, at most 1000).")
        int limit;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "wide, json or yaml (default: a table).")
        String output;

        Runs(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            if (limit < 1 || limit > 1000) {
                throw usage("--limit must be from 1 to 1000");
            }
            StringBuilder q = new StringBuilder("?limit=" + limit);
            if (environment != null) {
                q.append("&env=").append(requireEnv(environment));
            }
            if (app != null) {
                try {
                    q.append("&app=").append(AppsCommand.appName(app));
                } catch (IllegalArgumentException e) {
                    throw usage("--app: " + e.getMessage());
                }
            }
            list(this, output, io.labctl.protocol.pulumi.PulumiRun.PATH + q,
                    io.labctl.protocol.pulumi.PulumiRun.class, "runs",
                    (items, wide) -> io.labctl.cli.render.RunPrinter.table(items, wide, cli.now()));
            return ExitCodes.OK;
        }
    }
}
