package io.labctl.bastion.tftp;

/** A failure that maps to a TFTP ERROR packet sent to the peer (code + human readable message). */
public class TftpException extends Exception {
    private final int errorCode;

    public TftpException(int errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public int errorCode() {
        return errorCode;
    }
}
