package io.labctl.bastion.tftp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Encoding and decoding of TFTP packets (RFC 1350, 2347). Stateless; all methods are static. */
public final class TftpPacket {
    public static final int RRQ = 1;
    public static final int WRQ = 2;
    public static final int DATA = 3;
    public static final int ACK = 4;
    public static final int ERROR = 5;
    public static final int OACK = 6;

    public static final int ERR_NOT_DEFINED = 0;
    public static final int ERR_FILE_NOT_FOUND = 1;
    public static final int ERR_ACCESS_VIOLATION = 2;
    public static final int ERR_ILLEGAL_OPERATION = 4;
    public static final int ERR_UNKNOWN_TID = 5;
    public static final int ERR_OPTION_NEGOTIATION = 8;

    /** RFC 2347 limits a request (with options) to 512 octets. */
    public static final int MAX_REQUEST_SIZE = 512;

    private TftpPacket() {
    }

    /** Opcode of a packet, or -1 if it is too short to have one. Does not move the buffer position. */
    public static int opcode(ByteBuffer packet) {
        if (packet.remaining() < 2) {
            return -1;
        }
        return Short.toUnsignedInt(packet.getShort(packet.position()));
    }

    /** Parses an RRQ/WRQ; the buffer's remaining bytes are the whole datagram. */
    public static TftpRequest parseRequest(ByteBuffer packet) throws MalformedPacketException {
        int len = packet.remaining();
        if (len < 4) {
            throw new MalformedPacketException("request too short (" + len + " bytes)");
        }
        if (len > MAX_REQUEST_SIZE) {
            throw new MalformedPacketException("request too large (" + len + " bytes)");
        }
        byte[] bytes = new byte[len];
        packet.duplicate().get(bytes);
        int opcode = ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff);
        if (opcode != RRQ && opcode != WRQ) {
            throw new MalformedPacketException("not a request (opcode " + opcode + ")");
        }
        if (bytes[len - 1] != 0) {
            throw new MalformedPacketException("request is not NUL-terminated");
        }
        // Split the NUL-terminated strings after the opcode.
        java.util.List<String> fields = new java.util.ArrayList<>();
        int start = 2;
        for (int i = 2; i < len; i++) {
            if (bytes[i] == 0) {
                fields.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (fields.size() < 2) {
            throw new MalformedPacketException("request lacks a mode");
        }
        String mode = fields.get(1).toLowerCase(Locale.ROOT);
        if (mode.isEmpty()) {
            throw new MalformedPacketException("empty transfer mode");
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 2; i < fields.size(); i += 2) {
            String name = fields.get(i).toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                break; // some PXE ROMs pad requests with NULs: treat as end of options
            }
            if (i + 1 >= fields.size()) {
                throw new MalformedPacketException("option '" + name + "' has no value");
            }
            options.putIfAbsent(name, fields.get(i + 1));
        }
        return new TftpRequest(opcode, fields.get(0), mode, options);
    }

    /** Block number of an ACK or DATA packet (0..65535). */
    public static int blockNumber(ByteBuffer packet) throws MalformedPacketException {
        if (packet.remaining() < 4) {
            throw new MalformedPacketException("packet too short for a block number");
        }
        return Short.toUnsignedInt(packet.getShort(packet.position() + 2));
    }

    /** Code and message of an ERROR packet, formatted for logs. Lenient: peers send odd things. */
    public static String describeError(ByteBuffer packet) {
        if (packet.remaining() < 4) {
            return "malformed ERROR packet";
        }
        int code = Short.toUnsignedInt(packet.getShort(packet.position() + 2));
        int msgLen = packet.remaining() - 4;
        byte[] msg = new byte[Math.min(msgLen, 256)];
        packet.duplicate().position(packet.position() + 4).get(msg);
        int end = 0;
        while (end < msg.length && msg[end] != 0) {
            end++;
        }
        return "code " + code + " '" + new String(msg, 0, end, StandardCharsets.UTF_8) + "'";
    }

    /** Builds an ERROR packet ready to send (position 0, limit = length). */
    public static ByteBuffer error(int code, String message) {
        byte[] msg = message.getBytes(StandardCharsets.UTF_8);
        int msgLen = Math.min(msg.length, 500); // keep the datagram within 512 bytes
        ByteBuffer b = ByteBuffer.allocate(4 + msgLen + 1);
        b.putShort((short) ERROR).putShort((short) code).put(msg, 0, msgLen).put((byte) 0);
        return b.flip();
    }

    /** Builds an OACK packet from the accepted options, in the given order. */
    public static ByteBuffer oack(Map<String, String> options) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0);
        out.write(OACK);
        for (Map.Entry<String, String> e : options.entrySet()) {
            out.writeBytes(e.getKey().getBytes(StandardCharsets.US_ASCII));
            out.write(0);
            out.writeBytes(e.getValue().getBytes(StandardCharsets.US_ASCII));
            out.write(0);
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    /** Builds a request packet (used by tests and tools; the server never sends requests). */
    public static ByteBuffer request(int opcode, String filename, String mode, Map<String, String> options) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(opcode >> 8);
        out.write(opcode);
        out.writeBytes(filename.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        out.writeBytes(mode.getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        for (Map.Entry<String, String> e : options.entrySet()) {
            out.writeBytes(e.getKey().getBytes(StandardCharsets.US_ASCII));
            out.write(0);
            out.writeBytes(e.getValue().getBytes(StandardCharsets.US_ASCII));
            out.write(0);
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    /** Parses the option list of an OACK packet (client side; used by tests). */
    public static Map<String, String> parseOack(ByteBuffer packet) throws MalformedPacketException {
        byte[] bytes = new byte[packet.remaining()];
        packet.duplicate().get(bytes);
        if (bytes.length < 2 || bytes[1] != OACK || bytes[0] != 0) {
            throw new MalformedPacketException("not an OACK");
        }
        Map<String, String> options = new LinkedHashMap<>();
        String name = null;
        int start = 2;
        for (int i = 2; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                String s = new String(bytes, start, i - start, StandardCharsets.US_ASCII);
                if (name == null) {
                    name = s.toLowerCase(Locale.ROOT);
                } else {
                    options.put(name, s);
                    name = null;
                }
                start = i + 1;
            }
        }
        return options;
    }
}
