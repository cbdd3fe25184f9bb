package io.labctl.bastion.tftp;

/** A datagram that is not a well-formed TFTP packet; answered with ERROR 4 where possible. */
public class MalformedPacketException extends Exception {
    public MalformedPacketException(String message) {
        super(message);
    }
}
