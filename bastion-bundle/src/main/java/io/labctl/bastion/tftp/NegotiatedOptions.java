package io.labctl.bastion.tftp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Result of RFC 2347 option negotiation: the values the transfer uses and the OACK to send (empty
 * when no option was accepted, in which case data starts right away as in plain RFC 1350).
 */
public record NegotiatedOptions(int blockSize, int windowSize, long timeoutMillis, Map<String, String> oack) {
    public static final int DEFAULT_BLOCK_SIZE = 512;

    public boolean hasOack() {
        return !oack.isEmpty();
    }

    /**
     * @param requested   the request's options (lower-case names)
     * @param settings    server limits
     * @param fileSize    size reported for tsize
     * @param mtuBlockCap largest blksize that fits the outgoing interface's MTU without IP fragmentation
     * @throws TftpException ERROR 8 for a value that cannot be honoured (non-numeric, blksize below 8, ...)
     */
    public static NegotiatedOptions negotiate(Map<String, String> requested, TftpSettings settings,
                                              long fileSize, int mtuBlockCap) throws TftpException {
        int blockSize = DEFAULT_BLOCK_SIZE;
        int windowSize = 1;
        long timeoutMillis = settings.timeout().toMillis();
        Map<String, String> oack = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : requested.entrySet()) {
            String value = e.getValue().trim();
            switch (e.getKey()) {
                case "blksize" -> {
                    long v = parse("blksize", value);
                    if (v < TftpSettings.MIN_BLOCK_SIZE) {
                        throw bad("blksize " + value + " is below 8");
                    }
                    // A server may always offer less than asked (RFC 2348).
                    long capped = Math.min(v, Math.min(settings.maxBlockSize(), Math.max(TftpSettings.MIN_BLOCK_SIZE, mtuBlockCap)));
                    blockSize = (int) Math.min(capped, TftpSettings.MAX_BLOCK_SIZE);
                    oack.put("blksize", Integer.toString(blockSize));
                }
                case "tsize" -> {
                    parse("tsize", value); // clients send 0 on RRQ; any number is fine, garbage is not
                    if (fileSize > 0) {
                        // curl rejects "tsize 0" in an OACK as illegal; leaving the option out is allowed.
                        oack.put("tsize", Long.toString(fileSize));
                    }
                }
                case "timeout" -> {
                    long v = parse("timeout", value);
                    if (v >= 1 && v <= 255) { // out of range: RFC 2349 lets the server ignore it
                        timeoutMillis = v * 1000;
                        oack.put("timeout", Long.toString(v));
                    }
                }
                case "windowsize" -> {
                    long v = parse("windowsize", value);
                    if (v < 1 || v > 65535) {
                        throw bad("windowsize " + value + " is outside 1..65535");
                    }
                    windowSize = (int) Math.min(v, settings.maxWindowSize());
                    oack.put("windowsize", Integer.toString(windowSize));
                }
                default -> {
                    // RFC 2347: unknown options are ignored, i.e. left out of the OACK.
                }
            }
        }
        return new NegotiatedOptions(blockSize, windowSize, timeoutMillis, Collections.unmodifiableMap(oack));
    }

    private static long parse(String name, String value) throws TftpException {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad(name + " value '" + value + "' is not a number");
        }
        return Long.parseLong(value);
    }

    private static TftpException bad(String why) {
        return new TftpException(TftpPacket.ERR_OPTION_NEGOTIATION, "option negotiation failed: " + why);
    }
}
