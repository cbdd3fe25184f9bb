package io.labctl.bastion.install;

/**
 * INSTALL wipes the target disk and creates the layout from scratch. REPROVISION reuses the existing
 * partitions and volume group: it reformats only the system volumes and keeps the preserved ones.
 */
public enum InstallMode {
    INSTALL,
    REPROVISION
}
