package io.labctl.cli.render;

import io.labctl.protocol.TokenInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Join tokens as {@code get tokens} shows them. */
public final class TokenPrinter {
    public static final int SHORT_ID = 12;

    private TokenPrinter() {}

    public static String shortId(String id) {
        return id == null ? "" : id.length() <= SHORT_ID ? id : id.substring(0, SHORT_ID);
    }

    public static String type(TokenInfo t) {
        return t.reusable() ? "reusable" : "one-time";
    }

    public static String table(List<TokenInfo> tokens, boolean wide, Instant now) {
        List<String> header = new ArrayList<>(List.of("ID", "TYPE", "STATE", "USES", "ENV", "CLOUD", "ROLE", "SERVER",
                "EXPIRES", "AGE"));
        if (wide) {
            header.addAll(List.of("LAST-USED", "LABELS", "DESCRIPTION"));
        }
        Table t = new Table(header);
        for (TokenInfo k : tokens) {
            List<String> row = new ArrayList<>(Arrays.asList(
                    wide ? k.id() : shortId(k.id()), type(k), k.state(), Integer.toString(k.uses()),
                    k.environment(), k.cloud(), k.role(), k.server(),
                    k.expiresAt() == null ? Times.NEVER : Times.relative(k.expiresAt(), now),
                    Times.age(k.createdAt(), now)));
            if (wide) {
                row.add(k.lastUsedAt() == null ? Times.NEVER : Times.relative(k.lastUsedAt(), now));
                row.add(Formats.labels(k.labels()));
                row.add(k.description());
            }
            t.row(row);
        }
        return t.render();
    }
}
