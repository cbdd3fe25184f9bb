package io.labctl.tokens.command;

import io.labctl.api.JoinTokens;
import io.labctl.protocol.TokenInfo;
import io.labctl.shell.NameCompleter;
import java.util.Collection;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Completes ids of active join tokens (the only ones worth revoking). */
@Service
public class TokenIds extends NameCompleter {
    @Reference(optional = true)
    JoinTokens tokens;

    @Override
    protected Collection<String> names() {
        return tokens == null ? List.of()
                : tokens.list(caller()).stream().filter(t -> "active".equals(t.state())).map(TokenInfo::id).toList();
    }
}
