package io.labctl.protocol.modules;

import java.util.List;

/** {@code GET /api/v1/modules/{name}}: the module, the descriptor of its newest version, and its revisions. */
public record ModuleDetail(ModuleSummary summary, ModuleDescriptor descriptor, List<AssignmentRevision> revisions) {}
