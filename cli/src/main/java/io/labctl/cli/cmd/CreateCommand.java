package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.render.Formats;
import io.labctl.cli.render.Times;
import io.labctl.cli.render.TokenPrinter;
import io.labctl.protocol.Api;
import io.labctl.protocol.Durations;
import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.Names;
import io.labctl.protocol.Selector;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.TokenSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Create a resource.", "",
                "Examples:",
                "  TOKEN=$(labctl create token --env lab --cloud baremetal --role worker --ttl 2h)"},
        subcommands = {CreateCommand.Token.class})
public final class CreateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing resource type: token");
    }

    /** Parses --ttl with the shared duration grammar; "never" means no expiry. */
    public static final class TtlConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            if ("never".equalsIgnoreCase(value.strip())) {
                return Duration.ZERO;
            }
            Duration d;
            try {
                d = Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + " (or 'never')");
            }
            if (d.isZero() || d.toSeconds() < 1) {
                throw new TypeConversionException("ttl '" + value + "' is not positive; use e.g. 10m or 24h, or 'never'");
            }
            return d;
        }
    }

    @Command(name = "token", aliases = {"tokens"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Mint a join token for enrolling servers.", "",
                    "Prints the token alone on stdout, so it can be captured; what it is (id, one-time or reusable,",
                    "expiry) goes to stderr. The token is shown only this once.", "",
                    "Every server that enrols with the token gets its scope (--env, --cloud, --role, --label).", "",
                    "Examples:",
                    "  labctl create token --env lab --cloud baremetal --role worker",
                    "  TOKEN=$(labctl create token --server web-1 --ttl 30m)",
                    "  labctl create token --reusable --ttl 7d --env prod --cloud aws --label asg=workers",
                    "  labctl create token --description 'rack 3 reinstall' -o json"})
    static final class Token extends LabdCommand {
        @Option(names = "--reusable", description = "Many servers may enrol with it (default: one-time).")
        boolean reusable;

        @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "24h", converter = TtlConverter.class,
                description = "Lifetime, e.g. 10m, 2h, 7d, or 'never' (default: ${DEFAULT-VALUE}).")
        Duration ttl;

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
            try {
                if (server != null) {
                    Names.require("server name", server);
                }
                // scope values follow the selector grammar, so every token's scope can later be selected on
                Selector s = Selector.everything();
                if (env != null) {
                    s = s.and("env", env);
                }
                if (cloud != null) {
                    s = s.and("cloud", cloud);
                }
                if (role != null) {
                    s = s.and("role", role);
                }
                for (Map.Entry<String, String> e : labels.entrySet()) {
                    s = s.and(e.getKey(), e.getValue());
                }
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage().replaceFirst("^selector '[^']*': ", ""));
            }
            Long ttlSeconds = ttl == null || ttl.isZero() ? null : ttl.toSeconds();
            TokenSpec spec = new TokenSpec(reusable, ttlSeconds, cloud, env, role,
                    labels.isEmpty() ? null : labels, server, description);
            IssuedToken issued = client().post(Api.TOKENS, spec, IssuedToken.class);
            if (issued == null || issued.token() == null) {
                throw io.labctl.cli.CliException.unreachable("labd answered without a token", null);
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
}
