package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.CliException;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.config.CertificateRenewal;
import io.labctl.cli.render.AccessPrinter;
import io.labctl.cli.render.Formats;
import io.labctl.protocol.Api;
import io.labctl.protocol.Names;
import io.labctl.protocol.access.AccessReview;
import io.labctl.protocol.access.AccessReviewResult;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.access.WhoAmI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "auth", mixinStandardHelpOptions = true,
        description = {"Inspect what you (or another user) may do; renew your certificate.", "",
                "Examples:",
                "  labctl auth can-i exec server/web-1",
                "  labctl auth can-i destroy 'aws:prod:*' --as alice -v",
                "  labctl auth whoami",
                "  labctl auth renew"},
        subcommands = {AuthCommand.CanI.class, AuthCommand.WhoAmICommand.class, AuthCommand.Renew.class})
public final class AuthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: one of can-i, whoami, renew");
    }

    /** The actions, for shell completion. */
    static final class Actions implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (Action a : Action.values()) {
                names.add(a.wire());
            }
            return names.iterator();
        }
    }

    /**
     * The resource as labd's access review takes it: {@code server/NAME} as is, a scope {@code cloud:env:server}
     * checked segment by segment, and {@code *} as the scope of everything.
     * @throws IllegalArgumentException with a message for the user
     */
    public static String resource(Action action, String resource) {
        String r = resource == null ? "" : resource.strip();
        if (r.startsWith("server/") || r.startsWith("servers/")) {
            return "server/" + Names.require("server name", r.substring(r.indexOf('/') + 1));
        }
        if (r.equals(Permission.ANY)) {
            return "*:*:*";
        }
        if (r.split(":", -1).length != 3) {
            throw new IllegalArgumentException("resource '" + resource + "' is not server/NAME, cloud:environment:server"
                    + " (each a name or *) or *");
        }
        Permission p = Permission.parse(action.wire() + ":" + r);
        return p.cloud() + ":" + p.environment() + ":" + p.server();
    }

    @Command(name = "can-i", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Ask labd whether an action is allowed: prints yes or no.", "",
                    "Exits 0 for yes and 1 for no, so scripts can test it; 2 on a usage error, 255 when labd",
                    "cannot be reached. RESOURCE is server/NAME (its cloud and environment come from labd's",
                    "record), a scope cloud:environment:server whose segments are names or *, or * for",
                    "everything. A scope with * is allowed only if every server in it is.", "",
                    "Examples:",
                    "  labctl auth can-i exec server/web-1",
                    "  labctl auth can-i apply 'baremetal:lab:*' -v",
                    "  labctl auth can-i admin '*'",
                    "  labctl auth can-i destroy server/db-1 --as alice     # needs admin",
                    "  if labctl auth can-i exec server/web-1 >/dev/null; then ...; fi"})
    static final class CanI extends LabdCommand {
        @Parameters(index = "0", paramLabel = "ACTION", completionCandidates = Actions.class,
                description = "One of ${COMPLETION-CANDIDATES}.")
        String action;

        @Parameters(index = "1", paramLabel = "RESOURCE", description = "server/NAME, cloud:environment:server, or *.")
        String resource;

        @Option(names = "--as", paramLabel = "USER", description = "Ask for another user instead of yourself (needs admin).")
        String as;

        @Option(names = {"-v", "--verbose"}, description = "Also print the user, the permission checked and the reason.")
        boolean verbose;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
                description = "json or yaml: print labd's whole answer (the exit code stays 0 or 1).")
        String output;

        CanI(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String format = output(output, Set.of("json", "yaml"));
            AccessReview review;
            try {
                Action a = Action.parse(action);
                if (as != null) {
                    Names.require("user name", as);
                }
                review = new AccessReview(a.wire(), resource(a, resource), as);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            AccessReviewResult result = client().post(Api.CAN_I, review, AccessReviewResult.class);
            if (result == null) {
                throw CliException.unreachable("labd answered the access review without a result", null);
            }
            if ("json".equals(format)) {
                print(Formats.json(result));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(result));
            } else {
                print(AccessPrinter.canI(result, verbose));
            }
            return AccessPrinter.canIExitCode(result);
        }
    }

    @Command(name = "whoami", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Show who labd takes you for: your name, the kind of identity and your roles.", "",
                    "Examples:",
                    "  labctl auth whoami",
                    "  labctl auth whoami -o json",
                    "  labctl --context prod auth whoami"})
    static final class WhoAmICommand extends LabdCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml (default: a table).")
        String output;

        WhoAmICommand(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String format = output(output, Set.of("json", "yaml"));
            WhoAmI me = client().get(Api.WHOAMI, WhoAmI.class);
            if (me == null) {
                throw CliException.unreachable("labd answered whoami without an identity", null);
            }
            if ("json".equals(format)) {
                print(Formats.json(me));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(me));
            } else {
                print(AccessPrinter.whoami(me));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "renew", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Renew your certificate for the current context now, over a new key pair.", "",
                    "labctl makes a new key, sends labd a request signed by it and writes the new certificate and",
                    "key into the config file in place of the old ones (atomically, owner-only). The old",
                    "certificate stays valid until it expires; deleting the user revokes both. labctl also",
                    "renews by itself, before a command, once a third of the certificate's life is left.", "",
                    "Examples:",
                    "  labctl auth renew",
                    "  labctl --context prod auth renew"})
    static final class Renew extends LabdCommand {
        Renew(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            CertificateRenewal.Renewed renewed = CertificateRenewal.renew(cli.context(), cli.configPath(), cli.sessionId());
            print("renewed the certificate of " + renewed.context().user() + " in context " + renewed.context().name()
                    + ": valid until " + renewed.expiry() + " (the previous one, valid until "
                    + renewed.previousExpiry() + ", is no longer in the config)\n");
            return ExitCodes.OK;
        }
    }
}
