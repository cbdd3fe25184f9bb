/**
 * Installer files per role and the post-install self-enrolment of PXE-provisioned machines.
 *
 * <ul>
 *   <li>{@link io.labctl.bastion.install.DiskLayout}: the per-role layout, single source of truth.</li>
 *   <li>{@link io.labctl.bastion.install.DiskChoice}: picks the one target disk (by-id).</li>
 *   <li>{@link io.labctl.bastion.install.InstallContext}: validated input (reject, never escape).</li>
 *   <li>{@link io.labctl.bastion.install.KickstartRenderer}, {@link io.labctl.bastion.install.PreseedRenderer}:
 *       installer files for INSTALL and REPROVISION.</li>
 *   <li>{@link io.labctl.bastion.install.AgentInstallerRenderer}: lab-agent-install.sh (carries the join
 *       token; the kickstart/preseed files never do).</li>
 * </ul>
 *
 * <p>Bastion URLs per host (MAC with '-'): {@code /provision/<mac>/agent-install.sh},
 * {@code /provision/<mac>/reprovision-early.sh} (preseed reprovision only), POST
 * {@code /provision/<mac>/installed}; agent tarball {@code /agent/lab-agent.tar.gz}.
 */
package io.labctl.bastion.install;
