package io.labctl.bastion.dhcp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4 helpers; addresses are handled as ints internally so pool arithmetic stays simple. */
public final class Ipv4 {
    private Ipv4() {
    }

    public static final Inet4Address ANY = fromInt(0);
    public static final Inet4Address BROADCAST = fromInt(0xFFFFFFFF);

    public static int toInt(Inet4Address a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    public static Inet4Address fromInt(int v) {
        return fromBytes(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    public static Inet4Address fromBytes(byte[] b) {
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 address: " + b.length + " bytes");
        }
    }

    /** Parses a dotted quad without ever touching DNS. */
    public static Inet4Address parse(String s) {
        String[] parts = s.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + s + "'");
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v;
            try {
                v = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: '" + s + "'");
            }
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("not an IPv4 address: '" + s + "'");
            }
            b[i] = (byte) v;
        }
        return fromBytes(b);
    }

    public static String str(Inet4Address a) {
        return a == null ? "-" : a.getHostAddress();
    }
}
