package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.CliException;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.RunsLocally;
import io.labctl.cli.http.LabdClient;
import io.labctl.cli.render.Formats;
import io.labctl.cli.render.Times;
import io.labctl.cli.render.TokenPrinter;
import io.labctl.protocol.Api;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.Names;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.TokenSpec;
import io.labctl.protocol.access.IssuedUser;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.access.RoleInfo;
import io.labctl.protocol.access.RoleSpec;
import io.labctl.protocol.access.UserSpec;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Create a resource.", "",
                "Examples:",
                "  TOKEN=$(labctl create token --env lab --cloud baremetal --role worker --ttl 2h)",
                "  labctl create role lab-operator --allow 'exec:baremetal:lab:*' --deny 'destroy:*:*:*'",
                "  labctl create user alice --out alice.labctl.yaml",
                "  labctl create credential gitea --token-file ~/.config/gitea-token",
                "  labctl create environment staging --cloud baremetal"},
        subcommands = {CreateCommand.Token.class, CreateCommand.Role.class, CreateCommand.User.class,
                CreateCommand.Credential.class, CreateCommand.Environment.class})
public final class CreateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing resource type: one of token, role, user, credential, environment");
    }

    /** Where 'create user NAME' writes the credential bundle without --out: ./NAME.labctl.yaml. */
    public static Path defaultBundleFile(String user) {
        return Path.of(user + ".labctl.yaml");
    }

    @Command(name = "token", aliases = {"tokens"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Mint a join token for enrolling servers.", "",
                    "Prints the token alone on stdout, so it can be captured; what it is (id, one-time or reusable,",
                    "expiry) goes to stderr. The token is shown only this once.", "",
                    "Every server that enrols with the token gets its scope (--env, --cloud, --role, --label).",
                    "--env names an environment that exists ('labctl get environments'; 'labctl create",
                    "environment' makes one); --cloud may then be left out (the environment's) and must match.", "",
                    "Examples:",
                    "  labctl create token --env lab --cloud baremetal --role worker",
                    "  labctl create token --env lab --role worker     # the cloud of lab",
                    "  TOKEN=$(labctl create token --server web-1 --ttl 30m)",
                    "  labctl create token --reusable --ttl 7d --env prod --cloud aws --label asg=workers",
                    "  labctl create token --description 'rack 3 reinstall' -o json"})
    static final class Token extends LabdCommand {
        @Option(names = "--reusable", description = "Many servers may enrol with it (default: one-time).")
        boolean reusable;

        @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "24h",
                description = "Lifetime, e.g. 10m, 2h, 7d, or 'never' (default: ${DEFAULT-VALUE}).")
        String ttl;

        @Option(names = "--env", paramLabel = "ENV", description = "Environment stamped on enrolled servers.")
        String env;

        @Option(names = "--cloud", paramLabel = "CLOUD", description = "Cloud stamped on enrolled servers.")
        String cloud;

        @Option(names = "--role", paramLabel = "ROLE", description = "Role stamped on enrolled servers.")
        String role;

        @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Label stamped on enrolled servers; repeatable.")
        Map<String, String> labels = new LinkedHashMap<>();

        @Option(names = "--server", paramLabel = "NAME", description = "The only server name that may enrol with it.")
        String server;

        @Option(names = "--description", paramLabel = "TEXT", description = "A note shown in 'labctl get tokens -o wide'.")
        String description;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
                description = "json or yaml: print the whole issued token instead of the token string.")
        String output;

        Token(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String format = output(output, Set.of("json", "yaml"));
            Optional<Duration> lifetime;
            try {
                lifetime = TokenSpec.parseTtl(ttl);
            } catch (IllegalArgumentException e) {
                throw usage("--ttl: " + e.getMessage());
            }
            // the lifetime is always sent, 'never' explicitly: labd gives a request without one its default
            TokenSpec spec = TokenSpec.withLifetime(reusable, lifetime, cloud, env, role,
                    labels.isEmpty() ? null : labels, server, description);
            try {
                spec.validated(); // the rules labd applies, checked before anything is sent
            } catch (InvalidInput e) {
                throw usage(e.asFlag());
            }
            IssuedToken issued = client().post(Api.TOKENS, spec, IssuedToken.class);
            if (issued == null || issued.token() == null) {
                throw CliException.unreachable("labd answered without a token", null);
            }
            if ("json".equals(format)) {
                print(Formats.json(issued));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(issued));
            } else {
                cli.out().println(issued.token());
                cli.out().flush();
            }
            cli.err().println(note(issued.info(), cli));
            return ExitCodes.OK;
        }

        static String note(TokenInfo info, Cli cli) {
            if (info == null) {
                return "token created; it is shown only once: store it now.";
            }
            String expiry = info.expiresAt() == null ? "never expires"
                    : "expires " + Times.stampRelative(info.expiresAt(), cli.now());
            return String.format(Locale.ROOT, "token %s created: %s, %s%s. It is shown only once: store it now.",
                    TokenPrinter.shortId(info.id()), TokenPrinter.type(info), expiry,
                    info.server() == null ? "" : ", only for server " + info.server());
        }
    }

    @Command(name = "role", aliases = {"roles"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Create a role from allow and deny rules; bind it to users with 'labctl bind role'.", "",
                    "A rule is a permission action:cloud:environment:server. The action is one of",
                    "read, exec, apply, destroy, manage, admin, kubectl, or * (any); the other segments are",
                    "lower-case names or * (any). admin on a scope implies every action there.",
                    "A deny rule beats any allow rule. Quote rules with * so the shell leaves them alone.", "",
                    "Examples:",
                    "  labctl create role viewer --allow 'read:*:*:*'",
                    "  labctl create role lab-operator --allow 'exec:baremetal:lab:*' --allow 'read:*:lab:*' \\",
                    "      --deny 'exec:baremetal:lab:db-1' --description 'runs commands in the lab, not on db-1'",
                    "  labctl create role prod-admin --allow 'admin:*:prod:*' -o yaml",
                    "  labctl create role app-logs --allow 'read:*:lab:*' --log-path '/srv/app/**' --log-path '/var/log/**'"})
    static final class Role extends LabdCommand {
        @Parameters(paramLabel = "NAME", description = "Name of the role (lower-case letters, digits, '.' and '-').")
        String name;

        @Option(names = "--allow", paramLabel = "PERMISSION", description = "A permission the role grants; repeatable.")
        List<String> allow = new ArrayList<>();

        @Option(names = "--deny", paramLabel = "PERMISSION", description = "A permission the role takes away; repeatable.")
        List<String> deny = new ArrayList<>();

        @Option(names = "--description", paramLabel = "TEXT", description = "What the role is for.")
        String description;

        @Option(names = "--log-path", paramLabel = "GLOB", description = {"A path glob its users may follow with",
                "'labctl logs --file' on servers they may read; repeatable (default: labd's, /var/log/**).",
                "Only admins may set it."})
        List<String> logPaths = new ArrayList<>();

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml: print the created role.")
        String output;

        Role(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String format = output(output, Set.of("json", "yaml"));
            RoleSpec spec = spec(name, allow, deny, description);
            for (String glob : logPaths) {
                if (!glob.startsWith("/")) {
                    throw usage("--log-path '" + glob + "' must be an absolute path glob, e.g. /srv/app/**");
                }
            }
            spec = new RoleSpec(spec.name(), spec.description(), spec.allow(), spec.deny(), logPaths);
            RoleInfo created = client().post(Api.ROLES, spec, RoleInfo.class);
            if ("json".equals(format)) {
                print(Formats.json(created));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(created));
            } else {
                cli.out().println("role/" + (created != null && created.name() != null ? created.name() : name) + " created");
                cli.out().flush();
            }
            return ExitCodes.OK;
        }

        /** The request, with every rule checked (and written canonically) before labd is asked; usage error otherwise. */
        RoleSpec spec(String name, List<String> allow, List<String> deny, String description) {
            try {
                Names.require("role name", name);
                if (allow.isEmpty() && deny.isEmpty()) {
                    throw new IllegalArgumentException("a role needs at least one rule: add --allow PERMISSION"
                            + " (and/or --deny PERMISSION), e.g. --allow 'read:*:*:*'");
                }
                return new RoleSpec(name, description, canonical(allow), canonical(deny));
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }

        private static List<String> canonical(List<String> rules) {
            List<String> out = new ArrayList<>();
            for (String r : rules) {
                try {
                    out.add(Permission.parse(r).toString());
                } catch (IllegalArgumentException e) {
                    // some messages (an unknown action) do not say which rule they are about
                    String msg = e.getMessage();
                    throw new IllegalArgumentException(msg.contains("'" + r + "'") ? msg : "permission '" + r + "': " + msg, e);
                }
            }
            return out;
        }
    }

    @Command(name = "user", aliases = {"users"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Create a labctl user and write its credential bundle (server, CA, certificate, key).", "",
                    "labd makes the key pair and hands it out only this once; labctl writes it owner-only (0600)",
                    "to --out and never prints it. Give the file to the user over a safe channel; they run",
                    "'labctl config import FILE'. The new user may do nothing until you bind a role to it.",
                    "An existing file is never overwritten without --force; it is checked before labd is asked.", "",
                    "Examples:",
                    "  labctl create user alice                       # writes ./alice.labctl.yaml",
                    "  labctl create user bob --out ~/handover/bob.yaml --days 30",
                    "  labctl create user alice --force && labctl bind role viewer --user alice"})
    /** Writes the bundle relative to the caller's directory. */
    static final class User extends LabdCommand implements RunsLocally {
        @Parameters(paramLabel = "NAME", description = "Name of the user (lower-case letters, digits, '.' and '-').")
        String name;

        @Option(names = "--out", paramLabel = "FILE", description = "Where to write the credential bundle (default: ./NAME.labctl.yaml).")
        Path out;

        @Option(names = "--days", paramLabel = "N", description = "Lifetime of the user's certificate in days (default: labd's).")
        Integer days;

        @Option(names = "--force", description = "Overwrite FILE if it exists.")
        boolean force;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
                description = "json or yaml: print the created user and certificate (never the key).")
        String output;

        User(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String format = output(output, Set.of("json", "yaml"));
            try {
                Names.require("user name", name);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            if (days != null && days < 1) {
                throw usage("--days must be at least 1, not " + days);
            }
            Path file = out != null ? out : defaultBundleFile(name);
            checkWritable(file, force);
            LabdClient labd = client();
            IssuedUser issued = labd.post(Api.USERS, new UserSpec(name, days), IssuedUser.class);
            if (issued == null || issued.certificate() == null || issued.privateKey() == null) {
                throw CliException.unreachable("labd answered without the new user's certificate and key", null);
            }
            String user = issued.user() != null && issued.user().name() != null ? issued.user().name() : name;
            String server = issued.server() != null ? issued.server() : labd.display();
            CredentialBundle bundle = CredentialBundle.of(server, user, issued.caCertificate(), issued.certificate(),
                    issued.privateKey());
            try {
                bundle.write(file);
            } catch (IOException e) {
                throw new CliException(ExitCodes.REFUSED, "user/" + user + " was created, but its credential bundle could"
                        + " not be written to " + file + " (" + e.getMessage() + "); the key is lost: run 'labctl delete"
                        + " user/" + user + "' and create the user again", e);
            }
            IssuedUser shown = new IssuedUser(issued.user(), issued.server(), issued.caCertificate(), issued.certificate(),
                    null, issued.certificateExpires());
            if ("json".equals(format)) {
                print(Formats.json(shown));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(shown));
            } else {
                cli.out().println("user/" + user + " created");
                cli.out().flush();
            }
            cli.err().println("Credentials for " + user + " written to " + file + " (owner-only"
                    + (issued.certificateExpires() == null ? ""
                    : "; certificate expires " + Times.stampRelative(issued.certificateExpires(), cli.now())) + ").");
            cli.err().println("The file holds " + user + "'s private key: hand it over safely, then delete your copy."
                    + " " + user + " imports it with:");
            cli.err().println("  labctl config import " + file);
            if (issued.user() == null || issued.user().roles() == null || issued.user().roles().isEmpty()) {
                cli.err().println("Until a role is bound (labctl bind role ROLE --user " + user + ") " + user + " may do nothing.");
            }
            return ExitCodes.OK;
        }

        /**
         * Fails with a usage error, before anything is created in labd, when the bundle could not be written: the
         * file exists (without --force), is a directory, or its directory cannot be created or written.
         */
        void checkWritable(Path file, boolean force) {
            if (Files.isDirectory(file)) {
                throw usage(file + " is a directory; give a file name with --out");
            }
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !force) {
                throw usage(file + " already exists; add --force to overwrite it, or choose another file with --out");
            }
            Path dir = file.toAbsolutePath().getParent();
            try {
                Files.createDirectories(dir);
                // a real probe: isWritable() says yes on read-only mounts and for root
                Files.delete(Files.createTempFile(dir, ".labctl-probe", ".tmp"));
            } catch (FileAlreadyExistsException e) {
                throw usage("cannot write " + file + ": " + e.getFile() + " is not a directory; choose another file with --out");
            } catch (AccessDeniedException e) {
                throw usage("cannot write to directory " + dir + ": permission denied; choose another file with --out");
            } catch (IOException | SecurityException e) {
                throw usage("cannot write to directory " + dir + " (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); choose another file with --out");
            }
        }
    }

    @Command(name = "credential", aliases = {"credentials"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Store a credential labd clones private git repositories with (labctl modules add",
                    "--credential NAME): an access token (HTTPS; a file with the token alone, or USER:TOKEN where",
                    "the host needs a user name) or an SSH private key for ssh:// URLs (unencrypted; the git",
                    "server's host key must be in labd's etc/git_known_hosts). labd seals it with its master key before",
                    "it reaches the database and never shows it again; 'labctl get credentials' lists names only.",
                    "The secret is read from the file (or stdin with '-'), never from the command line.",
                    "Needs admin everywhere (admin:*:*:*).", "",
                    "Examples:",
                    "  labctl create credential gitea --token-file ~/.config/gitea-token",
                    "  pass show gitea/labd | labctl create credential gitea --token-file -",
                    "  labctl create credential deploy-key --ssh-key ~/.ssh/labd_deploy"})
    static final class Credential extends LabdCommand {
        private static final int MAX_BYTES = 16 * 1024;

        @Parameters(index = "0", paramLabel = "NAME", description = "1 to 63 lower-case letters, digits and '-'.")
        String name;

        @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Secret secret;

        static final class Secret {
            @Option(names = "--token-file", paramLabel = "FILE", required = true,
                    description = "A file holding the access token ('-': stdin).")
            String tokenFile;

            @Option(names = "--ssh-key", paramLabel = "FILE", required = true,
                    description = "An SSH private key file (OpenSSH or PEM).")
            String sshKey;
        }

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml: what labd stored (no secret).")
        String output;

        Credential(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String format = output(output, Set.of("json", "yaml"));
            try {
                io.labctl.protocol.sources.CredentialInfo.requireName(name);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            boolean token = secret.tokenFile != null;
            String file = token ? secret.tokenFile : secret.sshKey;
            String text = read(file, token ? "--token-file" : "--ssh-key");
            io.labctl.protocol.sources.CredentialInfo made = client().post(io.labctl.protocol.sources.CredentialInfo.PATH,
                    new io.labctl.protocol.sources.CredentialSpec(name, token ? io.labctl.protocol.sources.CredentialInfo.TOKEN
                            : io.labctl.protocol.sources.CredentialInfo.SSH_KEY, text),
                    io.labctl.protocol.sources.CredentialInfo.class);
            if ("json".equals(format)) {
                print(Formats.json(made));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(made));
            } else {
                print("credential/" + made.name() + " created (" + made.kind() + ", sealed by labd; it is never shown"
                        + " again)\n");
            }
            return ExitCodes.OK;
        }

        private String read(String file, String flag) {
            byte[] bytes;
            try {
                if ("-".equals(file)) {
                    bytes = cli.stdio().in().readNBytes(MAX_BYTES + 1);
                } else {
                    Path path = cli.resolve(file);
                    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                        throw usage(flag + ": cannot read " + file + ": it is not a readable file");
                    }
                    if (Files.size(path) > MAX_BYTES) {
                        throw usage(flag + ": " + file + " is larger than " + (MAX_BYTES / 1024) + " KiB: is it the right file?");
                    }
                    bytes = Files.readAllBytes(path);
                }
            } catch (IOException e) {
                throw usage(flag + ": cannot read " + file + ": " + e.getMessage());
            }
            if (bytes.length > MAX_BYTES) {
                throw usage(flag + ": more than " + (MAX_BYTES / 1024) + " KiB on stdin: is it the right input?");
            }
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            if (text.isBlank()) {
                throw usage(flag + ": " + ("-".equals(file) ? "stdin" : file) + " is empty");
            }
            return text;
        }
    }

    @Command(name = "environment", aliases = {"environments", "env"}, mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {"Create an environment under a cloud. Tokens (--env) and clusters name environments that",
                    "exist, so a typo is an error rather than a new environment. Names are unique across clouds.",
                    "A cloud other than baremetal and local comes with its first environment.",
                    "Needs manage on the whole cloud (manage:CLOUD:*:*).", "",
                    "Examples:",
                    "  labctl create environment staging --cloud baremetal",
                    "  labctl create environment prod --cloud aws",
                    "  labctl create environment dev --cloud local -o json"})
    public static final class Environment extends LabdCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The environment's name (lower-case letters, digits, '.', '-').")
        String name;

        @Option(names = "--cloud", paramLabel = "CLOUD", required = true,
                description = "The cloud it belongs to, e.g. baremetal, local, aws.")
        String cloud;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml: print the environment.")
        String output;

        Environment(Cli cli) {
            super(cli);
        }

        /**
         * Makes the environment under the cloud unless labd has it already (the quick start's and a bastion's own);
         * labd refuses the name under another cloud, with that said.
         */
        public static void ensure(io.labctl.cli.http.LabdClient client, String name, String cloud) {
            List<io.labctl.protocol.environments.EnvironmentInfo> there = client.get(
                    io.labctl.protocol.environments.EnvironmentInfo.PATH, io.labctl.protocol.Json.json().getTypeFactory()
                            .constructCollectionType(List.class, io.labctl.protocol.environments.EnvironmentInfo.class));
            if (there == null || there.stream().noneMatch(e -> e.name().equals(name))) {
                client.post(io.labctl.protocol.environments.EnvironmentInfo.PATH,
                        new io.labctl.protocol.environments.EnvironmentSpec(name, cloud),
                        io.labctl.protocol.environments.EnvironmentInfo.class);
            }
        }

        @Override
        public Integer call() {
            String format = output(output, Set.of("json", "yaml"));
            try {
                io.labctl.protocol.environments.EnvironmentInfo.requireName("environment", name);
                io.labctl.protocol.environments.EnvironmentInfo.requireName("cloud", cloud);
            } catch (InvalidInput e) {
                throw usage(e.getMessage());
            }
            io.labctl.protocol.environments.EnvironmentInfo made = client().post(
                    io.labctl.protocol.environments.EnvironmentInfo.PATH,
                    new io.labctl.protocol.environments.EnvironmentSpec(name, cloud),
                    io.labctl.protocol.environments.EnvironmentInfo.class);
            if ("json".equals(format)) {
                print(Formats.json(made));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(made));
            } else {
                cli.out().println("environment/" + name + " created (cloud " + cloud + ")");
            }
            return ExitCodes.OK;
        }
    }
}
