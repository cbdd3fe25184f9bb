package io.labctl.protocol.environments;

import io.labctl.protocol.Api;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Names;
import java.time.Instant;
import java.util.List;

/**
 * An environment as labd shows it. {@code contents} is what is in it (servers, bastions, clusters, each kind with its
 * count and the first names), filled by {@code describe} and by a refused delete; null in a listing.
 */
public record EnvironmentInfo(String name, String cloud, String createdBy, Instant createdAt, List<Contents> contents) {
    public static final String PATH = Api.ROOT + "/environments";
    public static final String CLOUDS = Api.ROOT + "/clouds";

    /** One kind of thing in an environment: how many, and the first of their names (sorted). */
    public record Contents(String kind, long count, List<String> names) {}

    /** The same environment with what is in it. */
    public EnvironmentInfo with(List<Contents> in) {
        return new EnvironmentInfo(name, cloud, createdBy, createdAt, in);
    }

    /** A name for an environment or a cloud, or InvalidInput naming the field and the rule. */
    public static String requireName(String field, String name) {
        if (!Names.valid(name)) {
            throw new InvalidInput("invalid-" + field + "-name", null, field + " name '" + name + "' is not valid: use"
                    + " lower-case letters, digits, '.' and '-', starting and ending with a letter or digit"
                    + " (at most 253 characters)");
        }
        return name;
    }
}
