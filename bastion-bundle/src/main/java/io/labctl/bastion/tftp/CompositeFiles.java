package io.labctl.bastion.tftp;

import java.util.List;

/**
 * Tries several {@link TftpFiles} in order; only "file not found" falls through to the next one, so an
 * access violation in an earlier layer is final.
 */
public final class CompositeFiles implements TftpFiles {
    private final List<TftpFiles> layers;

    public CompositeFiles(List<TftpFiles> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("at least one layer is required");
        }
        this.layers = List.copyOf(layers);
    }

    public static CompositeFiles of(TftpFiles... layers) {
        return new CompositeFiles(List.of(layers));
    }

    @Override
    public TftpSource open(String name) throws TftpException {
        TftpException notFound = null;
        for (TftpFiles layer : layers) {
            try {
                return layer.open(name);
            } catch (TftpException e) {
                if (e.errorCode() != TftpPacket.ERR_FILE_NOT_FOUND) {
                    throw e;
                }
                notFound = e;
            }
        }
        throw notFound;
    }
}
