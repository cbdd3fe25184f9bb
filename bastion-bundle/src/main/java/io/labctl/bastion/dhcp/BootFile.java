package io.labctl.bastion.dhcp;

/** Where a PXE client should fetch its next stage: siaddr/next-server and the BOOTP file field. */
public record BootFile(String nextServer, String filename) {
    public BootFile {
        if (filename == null || filename.isBlank()) {
            throw new IllegalArgumentException("boot filename is required");
        }
        if (filename.length() > 127) {
            throw new IllegalArgumentException("boot filename longer than the 127 bytes the BOOTP file field holds: " + filename);
        }
    }
}
