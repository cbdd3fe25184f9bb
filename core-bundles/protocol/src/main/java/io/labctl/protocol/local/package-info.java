/**
 * Rules about processes and ports on this machine that labd and {@code labctl quickstart} must apply alike, kept
 * here once so that both recover from the same situations in the same way.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.labctl.protocol.local;
