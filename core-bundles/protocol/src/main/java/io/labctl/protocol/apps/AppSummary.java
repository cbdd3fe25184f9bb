package io.labctl.protocol.apps;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An app in labd's bundle repository ({@code labctl apps list}): its versions, newest first, and where it is
 * installed (the environments the caller may read).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AppSummary(String name, String description, List<String> versions, List<AppRelease> releases) {
    public static final String PATH = io.labctl.protocol.Api.ROOT + "/apps";
}
