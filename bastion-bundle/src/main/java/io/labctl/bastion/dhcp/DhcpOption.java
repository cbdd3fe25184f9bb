package io.labctl.bastion.dhcp;

/** Option codes and message types used by this server (RFC 2132, RFC 4578, PXE 2.1). */
public final class DhcpOption {
    private DhcpOption() {
    }

    public static final int PAD = 0;
    public static final int SUBNET_MASK = 1;
    public static final int ROUTER = 3;
    public static final int DNS_SERVERS = 6;
    public static final int HOSTNAME = 12;
    public static final int VENDOR_SPECIFIC = 43;
    public static final int REQUESTED_IP = 50;
    public static final int LEASE_TIME = 51;
    public static final int OVERLOAD = 52;
    public static final int MESSAGE_TYPE = 53;
    public static final int SERVER_ID = 54;
    public static final int PARAMETER_REQUEST_LIST = 55;
    public static final int MESSAGE = 56;
    public static final int RENEWAL_TIME = 58;
    public static final int REBINDING_TIME = 59;
    public static final int VENDOR_CLASS = 60;
    public static final int CLIENT_ID = 61;
    public static final int USER_CLASS = 77;
    public static final int CLIENT_ARCH = 93;
    public static final int CLIENT_NDI = 94;
    public static final int CLIENT_UUID = 97;
    /** iPXE's encapsulated option space; its presence marks an iPXE client. */
    public static final int IPXE_ENCAP = 175;
    public static final int END = 255;

    public static final int DISCOVER = 1;
    public static final int OFFER = 2;
    public static final int REQUEST = 3;
    public static final int DECLINE = 4;
    public static final int ACK = 5;
    public static final int NAK = 6;
    public static final int RELEASE = 7;
    public static final int INFORM = 8;

    public static String messageTypeName(int type) {
        return switch (type) {
            case DISCOVER -> "DISCOVER";
            case OFFER -> "OFFER";
            case REQUEST -> "REQUEST";
            case DECLINE -> "DECLINE";
            case ACK -> "ACK";
            case NAK -> "NAK";
            case RELEASE -> "RELEASE";
            case INFORM -> "INFORM";
            default -> "TYPE" + type;
        };
    }
}
