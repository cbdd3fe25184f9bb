/**
 * The shell SDK: what a capability needs to ship {@code lab:} commands on labd's Karaf shell. Commands extend
 * {@link io.labctl.shell.LabCommand} (the shell gate for labctl admins, the command's own check, the audit row,
 * output held back until it is recorded, fail-closed refusals), print with {@link io.labctl.shell.Table} and
 * complete names with {@link io.labctl.shell.NameCompleter}; {@link io.labctl.shell.UserNames} completes labctl
 * user names for any command.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package io.labctl.shell;
