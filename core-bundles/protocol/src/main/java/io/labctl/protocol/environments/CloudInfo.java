package io.labctl.protocol.environments;

import java.util.List;

/** A cloud: the environments under it. {@code builtin}: one of those labd starts with (baremetal, local). */
public record CloudInfo(String name, boolean builtin, List<String> environments) {}
