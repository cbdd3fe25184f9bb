package io.labctl.tokens.command;

import io.labctl.api.JoinTokens;
import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.TokenSpec;
import io.labctl.protocol.access.Action;
import io.labctl.shell.LabCommand;
import io.labctl.shell.Table;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:token-create: as POST /api/v1/tokens (manage on the token's scope). Prints the token once. */
@Service
@Command(scope = "lab", name = "token-create", description = "Mint a join token for enrolling a server.",
        detailedDescription = "Prints the token on a line of its own; it is shown only this once. Every server "
                + "that enrols with it gets its scope (--env, --cloud, --role).")
public class TokenCreateCommand extends LabCommand {
    @Reference(optional = true)
    JoinTokens tokens;

    @Option(name = "--reusable", description = "Many servers may enrol with it (default: one-time)")
    boolean reusable;

    @Option(name = "--ttl", description = "Lifetime, e.g. 30m, 24h, 7d, or 'never'", valueToShowInHelp = "24h")
    String ttl = "24h";

    @Option(name = "--env", description = "Environment stamped on enrolled servers")
    String env;

    @Option(name = "--cloud", description = "Cloud stamped on enrolled servers")
    String cloud;

    @Option(name = "--role", description = "Role stamped on enrolled servers")
    String role;

    @Option(name = "--server", description = "The only server name that may enrol with it")
    String server;

    @Option(name = "--description", description = "A note shown by lab:tokens")
    String description;

    public TokenCreateCommand() {
        super("shell.token.create", true);
    }

    @Override
    protected String resource() {
        return "/v1/tokens";
    }

    @Override
    protected void run(PrintStream out) {
        JoinTokens joinTokens = need(tokens, TOKENS);
        Optional<Duration> lifetime = TokenSpec.parseTtl(ttl);
        IssuedToken issued = joinTokens.create(caller(), TokenSpec.withLifetime(reusable, lifetime, cloud, env, role,
                null, server, description));
        TokenInfo info = issued.info();
        out.println(issued.token());
        out.println("token " + TokensCommand.shortId(info.id()) + " created: " + TokensCommand.type(info) + ", "
                + (info.expiresAt() == null ? "never expires" : "expires " + Table.relative(info.expiresAt(), now()))
                + (info.server() == null ? "" : ", only for server " + info.server())
                + ". It is shown only once: store it now.");
    }
}
