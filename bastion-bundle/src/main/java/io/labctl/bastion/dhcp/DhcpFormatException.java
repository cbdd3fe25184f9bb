package io.labctl.bastion.dhcp;

/** A datagram that is not a well-formed DHCP/BOOTP message. Checked so callers must decide what to do with hostile input. */
public class DhcpFormatException extends Exception {
    public DhcpFormatException(String message) {
        super(message);
    }
}
