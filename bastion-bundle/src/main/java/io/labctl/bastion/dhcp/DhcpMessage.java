package io.labctl.bastion.dhcp;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An immutable DHCP/BOOTP message (RFC 2131). Parsing is strict and total: hostile bytes give a DhcpFormatException. */
public final class DhcpMessage {
    public static final int BOOTREQUEST = 1;
    public static final int BOOTREPLY = 2;
    static final int FIXED_HEADER = 236;
    static final int MAGIC_COOKIE = 0x63825363;
    /** Old BOOTP relays and some PXE ROMs drop replies shorter than a BOOTP packet. */
    static final int MIN_ENCODED_SIZE = 300;

    private final int op;
    private final int htype;
    private final int hlen;
    private final int hops;
    private final int xid;
    private final int secs;
    private final int flags;
    private final int ciaddr;
    private final int yiaddr;
    private final int siaddr;
    private final int giaddr;
    private final byte[] chaddr;
    private final String sname;
    private final String file;
    private final Map<Integer, byte[]> options;

    private DhcpMessage(Builder b) {
        op = b.op;
        htype = b.htype;
        hlen = b.hlen;
        hops = b.hops;
        xid = b.xid;
        secs = b.secs;
        flags = b.flags;
        ciaddr = b.ciaddr;
        yiaddr = b.yiaddr;
        siaddr = b.siaddr;
        giaddr = b.giaddr;
        chaddr = b.chaddr.clone();
        sname = b.sname;
        file = b.file;
        options = Collections.unmodifiableMap(new LinkedHashMap<>(b.options));
    }

    // ---------------------------------------------------------------- parsing

    public static DhcpMessage parse(byte[] buf, int len) throws DhcpFormatException {
        if (buf == null) {
            throw new DhcpFormatException("no data");
        }
        if (len < 0 || len > buf.length) {
            throw new DhcpFormatException("length " + len + " outside buffer of " + buf.length + " bytes");
        }
        if (len < FIXED_HEADER + 4) {
            throw new DhcpFormatException("truncated: " + len + " bytes, a DHCP message needs at least "
                    + (FIXED_HEADER + 4) + " (fixed header + magic cookie)");
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, len);
        Builder b = new Builder();
        b.op = u8(buf, 0);
        if (b.op != BOOTREQUEST && b.op != BOOTREPLY) {
            throw new DhcpFormatException("bad op " + b.op + " (expected 1 BOOTREQUEST or 2 BOOTREPLY)");
        }
        b.htype = u8(buf, 1);
        b.hlen = u8(buf, 2);
        if (b.hlen > 16) {
            throw new DhcpFormatException("bad hlen " + b.hlen + " (at most 16)");
        }
        b.hops = u8(buf, 3);
        b.xid = bb.getInt(4);
        b.secs = bb.getShort(8) & 0xFFFF;
        b.flags = bb.getShort(10) & 0xFFFF;
        b.ciaddr = bb.getInt(12);
        b.yiaddr = bb.getInt(16);
        b.siaddr = bb.getInt(20);
        b.giaddr = bb.getInt(24);
        b.chaddr = Arrays.copyOfRange(buf, 28, 44);
        int cookie = bb.getInt(FIXED_HEADER);
        if (cookie != MAGIC_COOKIE) {
            throw new DhcpFormatException(String.format("missing magic cookie (found 0x%08x, expected 0x63825363)", cookie));
        }
        Map<Integer, ByteArrayOutputStream> raw = new LinkedHashMap<>();
        parseOptions(buf, FIXED_HEADER + 4, len, "options", true, raw);
        // Option overload only moves more options into sname/file; parse them so nothing is lost, but leniently.
        byte[] overload = raw.containsKey(DhcpOption.OVERLOAD) ? raw.get(DhcpOption.OVERLOAD).toByteArray() : null;
        int ov = overload != null && overload.length == 1 ? overload[0] & 0xFF : 0;
        if ((ov & 1) != 0) {
            parseOptions(buf, 108, 236, "file field (overload)", false, raw);
        } else {
            b.file = cString(buf, 108, 128);
        }
        if ((ov & 2) != 0) {
            parseOptions(buf, 44, 108, "sname field (overload)", false, raw);
        } else {
            b.sname = cString(buf, 44, 64);
        }
        raw.forEach((code, data) -> b.options.put(code, data.toByteArray()));
        return new DhcpMessage(b);
    }

    /** Walks an option area; repeated options are concatenated (RFC 3396). */
    private static void parseOptions(byte[] buf, int start, int end, String area, boolean endRequired,
            Map<Integer, ByteArrayOutputStream> out) throws DhcpFormatException {
        int i = start;
        while (i < end) {
            int code = u8(buf, i);
            if (code == DhcpOption.PAD) {
                i++;
                continue;
            }
            if (code == DhcpOption.END) {
                return;
            }
            if (i + 1 >= end) {
                throw new DhcpFormatException("option " + code + " at offset " + i + " has no length byte: " + area
                        + " ends at " + end);
            }
            int olen = u8(buf, i + 1);
            if (i + 2 + olen > end) {
                throw new DhcpFormatException("option " + code + " at offset " + i + " with length " + olen
                        + " runs past the end of the " + area + " (" + end + ")");
            }
            out.computeIfAbsent(code, k -> new ByteArrayOutputStream()).write(buf, i + 2, olen);
            i += 2 + olen;
        }
        if (endRequired) {
            throw new DhcpFormatException("no END option (255) in the " + area);
        }
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static String cString(byte[] b, int off, int max) {
        int n = 0;
        while (n < max && b[off + n] != 0) {
            n++;
        }
        return n == 0 ? "" : new String(b, off, n, StandardCharsets.ISO_8859_1);
    }

    // ---------------------------------------------------------------- encoding

    public byte[] encode() {
        ByteArrayOutputStream opts = new ByteArrayOutputStream();
        // Message type first: some ROMs look for it at a fixed place.
        if (options.containsKey(DhcpOption.MESSAGE_TYPE)) {
            writeOption(opts, DhcpOption.MESSAGE_TYPE, options.get(DhcpOption.MESSAGE_TYPE));
        }
        options.forEach((code, data) -> {
            if (code != DhcpOption.MESSAGE_TYPE) {
                writeOption(opts, code, data);
            }
        });
        opts.write(DhcpOption.END);
        int size = Math.max(MIN_ENCODED_SIZE, FIXED_HEADER + 4 + opts.size());
        ByteBuffer bb = ByteBuffer.allocate(size);
        bb.put((byte) op).put((byte) htype).put((byte) hlen).put((byte) hops);
        bb.putInt(xid).putShort((short) secs).putShort((short) flags);
        bb.putInt(ciaddr).putInt(yiaddr).putInt(siaddr).putInt(giaddr);
        bb.put(chaddr);
        putFixedString(bb, sname, 64);
        putFixedString(bb, file, 128);
        bb.putInt(MAGIC_COOKIE);
        bb.put(opts.toByteArray());
        return bb.array();
    }

    /** Values longer than 255 bytes are split into several instances of the same option (RFC 3396). */
    private static void writeOption(ByteArrayOutputStream out, int code, byte[] data) {
        int off = 0;
        do {
            int n = Math.min(255, data.length - off);
            out.write(code);
            out.write(n);
            out.write(data, off, n);
            off += n;
        } while (off < data.length);
    }

    private static void putFixedString(ByteBuffer bb, String s, int size) {
        byte[] b = s == null ? new byte[0] : s.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length > size) {
            throw new IllegalArgumentException("'" + s + "' does not fit in a " + size + " byte BOOTP field");
        }
        bb.put(b);
        bb.put(new byte[size - b.length]);
    }

    // ---------------------------------------------------------------- accessors

    public int op() { return op; }
    public int htype() { return htype; }
    public int hlen() { return hlen; }
    public int hops() { return hops; }
    public int xid() { return xid; }
    public int secs() { return secs; }
    public int flags() { return flags; }
    public boolean broadcastFlag() { return (flags & 0x8000) != 0; }
    public Inet4Address ciaddr() { return Ipv4.fromInt(ciaddr); }
    public Inet4Address yiaddr() { return Ipv4.fromInt(yiaddr); }
    public Inet4Address siaddr() { return Ipv4.fromInt(siaddr); }
    public Inet4Address giaddr() { return Ipv4.fromInt(giaddr); }
    public byte[] chaddr() { return chaddr.clone(); }
    public String sname() { return sname; }
    public String file() { return file; }

    /** Hardware address as lower-case colon-separated hex, e.g. 52:54:00:ab:cd:ef. */
    public String clientMac() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hlen; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(String.format("%02x", chaddr[i] & 0xFF));
        }
        return sb.toString();
    }

    public Map<Integer, byte[]> options() {
        Map<Integer, byte[]> copy = new LinkedHashMap<>();
        options.forEach((k, v) -> copy.put(k, v.clone()));
        return Collections.unmodifiableMap(copy);
    }

    public boolean hasOption(int code) {
        return options.containsKey(code);
    }

    /** Raw option value, or null when absent. */
    public byte[] option(int code) {
        byte[] v = options.get(code);
        return v == null ? null : v.clone();
    }

    /** Option 53, or -1 for plain BOOTP / a malformed value. */
    public int messageType() {
        byte[] v = options.get(DhcpOption.MESSAGE_TYPE);
        return v != null && v.length == 1 ? v[0] & 0xFF : -1;
    }

    public Inet4Address requestedIp() { return addressOption(DhcpOption.REQUESTED_IP); }
    public Inet4Address serverId() { return addressOption(DhcpOption.SERVER_ID); }
    public String vendorClass() { return stringOption(DhcpOption.VENDOR_CLASS); }
    public String hostname() { return stringOption(DhcpOption.HOSTNAME); }
    /** Option 77 as sent; iPXE sends the bare string "iPXE" rather than RFC 3004 length-prefixed form. */
    public String userClass() { return stringOption(DhcpOption.USER_CLASS); }

    /** First 16-bit value of option 93 (RFC 4578), -1 if absent or too short. */
    public int clientArch() {
        byte[] v = options.get(DhcpOption.CLIENT_ARCH);
        return v != null && v.length >= 2 ? ((v[0] & 0xFF) << 8) | (v[1] & 0xFF) : -1;
    }

    public boolean isPxeClient() {
        String vc = vendorClass();
        return vc != null && vc.startsWith("PXEClient");
    }

    public boolean isIpxe() {
        if (options.containsKey(DhcpOption.IPXE_ENCAP)) {
            return true;
        }
        byte[] uc = options.get(DhcpOption.USER_CLASS);
        if (uc == null) {
            return false;
        }
        if ("iPXE".equals(new String(uc, StandardCharsets.ISO_8859_1))) {
            return true;
        }
        // RFC 3004 form: a list of length-prefixed class names.
        int i = 0;
        while (i < uc.length) {
            int n = uc[i] & 0xFF;
            if (i + 1 + n > uc.length) {
                return false;
            }
            if (n == 4 && "iPXE".equals(new String(uc, i + 1, n, StandardCharsets.ISO_8859_1))) {
                return true;
            }
            i += 1 + n;
        }
        return false;
    }

    public List<Integer> parameterRequestList() {
        byte[] v = options.get(DhcpOption.PARAMETER_REQUEST_LIST);
        if (v == null) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>(v.length);
        for (byte b : v) {
            out.add(b & 0xFF);
        }
        return Collections.unmodifiableList(out);
    }

    private Inet4Address addressOption(int code) {
        byte[] v = options.get(code);
        return v != null && v.length == 4 ? Ipv4.fromBytes(v) : null;
    }

    private String stringOption(int code) {
        byte[] v = options.get(code);
        if (v == null) {
            return null;
        }
        int n = v.length;
        while (n > 0 && v[n - 1] == 0) {
            n--; // some clients NUL-terminate strings
        }
        return new String(v, 0, n, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return String.format("%s xid=%08x mac=%s ciaddr=%s yiaddr=%s siaddr=%s giaddr=%s vc=%s arch=%d ipxe=%b",
                messageType() > 0 ? DhcpOption.messageTypeName(messageType()) : (op == 1 ? "BOOTREQUEST" : "BOOTREPLY"),
                xid, clientMac(), Ipv4.str(ciaddr()), Ipv4.str(yiaddr()), Ipv4.str(siaddr()), Ipv4.str(giaddr()),
                vendorClass(), clientArch(), isIpxe());
    }

    // ---------------------------------------------------------------- builder

    public static Builder builder() {
        return new Builder();
    }

    /** A BOOTREPLY skeleton that echoes what RFC 2131 says a reply must copy from the request. */
    public static Builder replyTo(DhcpMessage request) {
        Builder b = new Builder();
        b.op = BOOTREPLY;
        b.htype = request.htype;
        b.hlen = request.hlen;
        b.xid = request.xid;
        b.flags = request.flags;
        b.giaddr = request.giaddr;
        b.chaddr = request.chaddr.clone();
        return b;
    }

    public static final class Builder {
        private int op = BOOTREQUEST;
        private int htype = 1;
        private int hlen = 6;
        private int hops;
        private int xid;
        private int secs;
        private int flags;
        private int ciaddr;
        private int yiaddr;
        private int siaddr;
        private int giaddr;
        private byte[] chaddr = new byte[16];
        private String sname = "";
        private String file = "";
        private final Map<Integer, byte[]> options = new LinkedHashMap<>();

        public Builder op(int v) { op = v; return this; }
        public Builder htype(int v) { htype = v; return this; }
        public Builder xid(int v) { xid = v; return this; }
        public Builder secs(int v) { secs = v; return this; }
        public Builder flags(int v) { flags = v; return this; }
        public Builder ciaddr(Inet4Address a) { ciaddr = a == null ? 0 : Ipv4.toInt(a); return this; }
        public Builder yiaddr(Inet4Address a) { yiaddr = a == null ? 0 : Ipv4.toInt(a); return this; }
        public Builder siaddr(Inet4Address a) { siaddr = a == null ? 0 : Ipv4.toInt(a); return this; }
        public Builder giaddr(Inet4Address a) { giaddr = a == null ? 0 : Ipv4.toInt(a); return this; }
        public Builder sname(String s) { sname = s == null ? "" : s; return this; }
        public Builder file(String s) { file = s == null ? "" : s; return this; }

        /** Accepts "52:54:00:ab:cd:ef" (or '-' separated). */
        public Builder clientMac(String mac) {
            String[] parts = mac.split("[:-]");
            if (parts.length < 1 || parts.length > 16) {
                throw new IllegalArgumentException("bad MAC '" + mac + "'");
            }
            chaddr = new byte[16];
            for (int i = 0; i < parts.length; i++) {
                chaddr[i] = (byte) Integer.parseInt(parts[i], 16);
            }
            hlen = parts.length;
            return this;
        }

        public Builder option(int code, byte[] value) {
            if (code <= 0 || code >= 255) {
                throw new IllegalArgumentException("option code " + code + " cannot carry data");
            }
            options.put(code, value.clone());
            return this;
        }

        public Builder option(int code, String value) {
            return option(code, value.getBytes(StandardCharsets.ISO_8859_1));
        }

        public Builder option(int code, Inet4Address... addresses) {
            ByteBuffer bb = ByteBuffer.allocate(4 * addresses.length);
            for (Inet4Address a : addresses) {
                bb.put(a.getAddress());
            }
            return option(code, bb.array());
        }

        public Builder optionInt(int code, int value) {
            return option(code, ByteBuffer.allocate(4).putInt(value).array());
        }

        public Builder messageType(int type) {
            return option(DhcpOption.MESSAGE_TYPE, new byte[] {(byte) type});
        }

        public DhcpMessage build() {
            return new DhcpMessage(this);
        }
    }
}
