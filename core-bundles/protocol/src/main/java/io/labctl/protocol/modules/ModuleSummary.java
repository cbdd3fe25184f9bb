package io.labctl.protocol.modules;

import java.util.List;

/** A module in labd's repository: its versions (oldest first) and how many assignments it has. */
public record ModuleSummary(String name, String newestVersion, List<String> versions, String description,
                            int assignments) {}
