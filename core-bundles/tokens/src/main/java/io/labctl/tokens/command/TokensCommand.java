package io.labctl.tokens.command;

import io.labctl.api.JoinTokens;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.access.Action;
import io.labctl.shell.LabCommand;
import io.labctl.shell.Table;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:tokens: join tokens as GET /api/v1/tokens lists them: those the user may read, never their secrets. */
@Service
@Command(scope = "lab", name = "tokens", description = "List join tokens (never their secrets).")
public class TokensCommand extends LabCommand {
    /** Enough of an id to revoke by (lab:token-revoke takes a unique prefix of 6 or more). */
    static final int SHORT_ID = 8;

    @Reference(optional = true)
    JoinTokens tokens;

    public TokensCommand() {
        super("shell.token.list", false);
    }

    @Override
    protected String resource() {
        return "/v1/tokens";
    }

    @Override
    protected void run(PrintStream out) {
        JoinTokens joinTokens = need(tokens, TOKENS);
        Table t = new Table("ID", "TYPE", "STATE", "USES", "CLOUD", "ENV", "ROLE", "SERVER", "EXPIRES", "DESCRIPTION");
        for (TokenInfo k : joinTokens.list(caller())) {
            t.row(shortId(k.id()), type(k), k.state(), k.uses(), k.cloud(), k.environment(), k.role(), k.server(),
                    Table.relative(k.expiresAt(), now()), k.description());
        }
        out.print(t.isEmpty() ? "No join tokens.\n" : t.render());
    }

    static String shortId(String id) {
        return id == null || id.length() <= SHORT_ID ? id : id.substring(0, SHORT_ID);
    }


    static String type(TokenInfo k) {
        return k.reusable() ? "reusable" : "one-time";
    }
}
