package io.labctl.bastion.tftp;

import java.util.Map;

/**
 * A parsed RRQ or WRQ.
 *
 * @param opcode   {@link TftpPacket#RRQ} or {@link TftpPacket#WRQ}
 * @param filename the name exactly as sent (not yet sanitised)
 * @param mode     transfer mode, lower-cased ("octet", "netascii", ...)
 * @param options  RFC 2347 options, names lower-cased, in request order, first occurrence wins
 */
public record TftpRequest(int opcode, String filename, String mode, Map<String, String> options) {
    public TftpRequest {
        options = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(options));
    }

    public boolean isRead() {
        return opcode == TftpPacket.RRQ;
    }
}
