/**
 * The engine that makes a server look like a module's {@link io.labctl.module.DesiredState}: {@link
 * io.labctl.module.engine.Engine#plan plan} computes the difference, {@link io.labctl.module.engine.Engine#apply apply}
 * makes it so, each resource reported unchanged, changed (with its diff) or failed. It reaches the machine only through
 * a {@link io.labctl.module.engine.Host}: files under its root, commands through {@code Host.run}. {@link
 * io.labctl.module.engine.ValueInputs} are a run's typed inputs as the module reads them.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package io.labctl.module.engine;
