package io.labctl.cli.cmd;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code server/web-1} or {@code server web-1}: a resource type (singular or plural) and a name. */
record ResourceRef(String type, String name) {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("server", "server"),
            Map.entry("servers", "server"),
            Map.entry("srv", "server"),
            Map.entry("token", "token"),
            Map.entry("tokens", "token"),
            Map.entry("user", "user"),
            Map.entry("users", "user"),
            Map.entry("role", "role"),
            Map.entry("roles", "role"),
            Map.entry("credential", "credential"),
            Map.entry("credentials", "credential"),
            Map.entry("source", "source"),
            Map.entry("sources", "source"),
            Map.entry("module", "module"),
            Map.entry("modules", "module"),
            Map.entry("cluster", "cluster"),
            Map.entry("clusters", "cluster"),
            Map.entry("environment", "environment"),
            Map.entry("environments", "environment"),
            Map.entry("env", "environment"),
            Map.entry("run", "run"),
            Map.entry("runs", "run"));

    @Override
    public String toString() {
        return type + "/" + name;
    }

    /**
     * Parses {@code TYPE/NAME...} or {@code TYPE NAME...}.
     * @throws IllegalArgumentException with a message for the user
     */
    static List<ResourceRef> parse(List<String> args, String allowedTypes) {
        if (args == null || args.isEmpty()) {
            throw new IllegalArgumentException("missing resource: use TYPE/NAME or TYPE NAME (types: " + allowedTypes + ")");
        }
        List<ResourceRef> out = new ArrayList<>();
        String first = args.get(0);
        if (!first.contains("/")) {
            String type = type(first, allowedTypes);
            if (args.size() < 2) {
                throw new IllegalArgumentException("missing name after '" + first + "'");
            }
            for (String n : args.subList(1, args.size())) {
                if (n.contains("/")) {
                    throw new IllegalArgumentException("'" + n + "': give either TYPE NAME... or TYPE/NAME..., not both");
                }
                out.add(new ResourceRef(type, n));
            }
            return out;
        }
        for (String a : args) {
            int slash = a.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("'" + a + "' is not TYPE/NAME");
            }
            String name = a.substring(slash + 1);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("'" + a + "' has no name after the '/'");
            }
            out.add(new ResourceRef(type(a.substring(0, slash), allowedTypes), name));
        }
        return out;
    }

    private static String type(String t, String allowedTypes) {
        String type = TYPES.get(t.toLowerCase(Locale.ROOT));
        if (type == null || !List.of(allowedTypes.split(",\\s*")).contains(type)) {
            throw new IllegalArgumentException("unknown resource type '" + t + "'; use one of: " + allowedTypes);
        }
        return type;
    }
}
