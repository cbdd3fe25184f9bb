package io.labctl.repository.internal;

import io.labctl.protocol.modules.ModuleDescriptor;

/** What a pushed file is: its kind, the NAME/VERSION it is stored under and, for a module, its descriptor. */
record Classified(String kind, String name, String version, ModuleDescriptor descriptor) {}
