package io.labctl.system.internal;

import java.util.List;

/**
 * What the framework says about one of a capability's own bundles.
 *
 * @param symbolicName the bundle's symbolic name; null when no bundle is installed from the feature's location
 * @param active whether it is ACTIVE (or STARTING with a lazy activation policy)
 * @param stateName its state in words when not active (installed, resolved, ...)
 * @param schema the capability named in its {@code Labctl-Schema} header, null without one
 * @param componentProblems its DS components that are enabled but not working, each in one sentence
 */
record BundleFacts(String symbolicName, boolean active, String stateName, String schema, List<String> componentProblems) {}
