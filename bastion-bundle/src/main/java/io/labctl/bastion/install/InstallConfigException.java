package io.labctl.bastion.install;

/** Invalid input for rendering installer files (bad host name, role, disk, unsafe characters ...). */
public class InstallConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InstallConfigException(String message) {
        super(message);
    }
}
