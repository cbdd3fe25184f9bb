package io.labctl.bastion.install;

final class Fixtures {
    private Fixtures() {
    }

    static final String TOKEN = "lab1.node01.s3cr3tS3cr3tS3cr3tS3cr3t.4f2a9c";
    static final String SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx3Q1bq7bS0m2cXvZs9yq0lYp1o3d2V9s5aFhKxQmZ4 admin@lab";
    static final long GIB = 1024L * 1024 * 1024;

    static TargetDisk disk() {
        return new TargetDisk("/dev/disk/by-id/ata-QEMU_HARDDISK_QM00001", "sda", 500 * GIB, false, true);
    }

    static InstallContext.Builder builder(Role role, InstallMode mode) {
        return InstallContext.builder()
                .mac("52:54:00:12:34:56")
                .hostname("node01.lab.example")
                .role(role)
                .mode(mode)
                .disk(disk())
                .bastionUrl("http://10.78.0.1:8080")
                .labdUrl("https://labd.lab.example:8443")
                .joinToken(TOKEN)
                .sshAuthorizedKey(SSH_KEY);
    }

    static InstallContext ctx(Role role, InstallMode mode) {
        return builder(role, mode).build();
    }
}
