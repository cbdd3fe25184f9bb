package io.labctl.tokens.command;

import io.labctl.api.JoinTokens;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.access.Action;
import io.labctl.shell.LabCommand;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:token-revoke: as DELETE /api/v1/tokens/ID (manage on the token's scope). */
@Service
@Command(scope = "lab", name = "token-revoke",
        description = "Revoke a join token: no server can enrol with it any more.")
public class TokenRevokeCommand extends LabCommand {
    @Reference(optional = true)
    JoinTokens tokens;

    @Argument(index = 0, name = "id", description = "The token's id, or a unique prefix of 6 or more characters",
            required = true)
    @Completion(TokenIds.class)
    String id;

    public TokenRevokeCommand() {
        super("shell.token.revoke", true);
    }

    @Override
    protected String resource() {
        return "/v1/tokens/" + id;
    }

    @Override
    protected void run(PrintStream out) {
        JoinTokens joinTokens = need(tokens, TOKENS);
        TokenInfo revoked = joinTokens.revoke(caller(), id);
        out.println("token " + TokensCommand.shortId(revoked.id()) + " revoked (" + revoked.uses() + " use(s)).");
    }
}
