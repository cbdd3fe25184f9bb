package io.labctl.bastion.tftp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * A small, deliberately misbehaving-on-request TFTP client for tests that real clients cannot do
 * (losing ACKs, duplicating ACKs, dropping DATA, raw datagrams).
 */
final class TestTftpClient implements AutoCloseable {
    final DatagramSocket socket;
    final InetSocketAddress server;

    TestTftpClient(int port) throws IOException {
        this(InetAddress.getLoopbackAddress(), port);
    }

    TestTftpClient(InetAddress address, int port) throws IOException {
        this(address, address, port);
    }

    /** A client on {@code local} (another loopback address stands for another machine) of the server on {@code address}. */
    TestTftpClient(InetAddress local, InetAddress address, int port) throws IOException {
        socket = new DatagramSocket(0, local);
        socket.setSoTimeout(3000);
        server = new InetSocketAddress(address, port);
    }

    void sendRaw(byte[] bytes) throws IOException {
        socket.send(new DatagramPacket(bytes, bytes.length, server));
    }

    /** Next datagram, or null if nothing arrives within the timeout. */
    DatagramPacket receive(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        byte[] buf = new byte[65536 + 4];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
            return p;
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    static int opcode(DatagramPacket p) {
        return ((p.getData()[0] & 0xff) << 8) | (p.getData()[1] & 0xff);
    }

    static int errorCode(DatagramPacket p) {
        return ((p.getData()[2] & 0xff) << 8) | (p.getData()[3] & 0xff);
    }

    static String errorMessage(DatagramPacket p) {
        int end = 4;
        while (end < p.getLength() && p.getData()[end] != 0) {
            end++;
        }
        return new String(p.getData(), 4, end - 4, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Misbehaviours to inject; block indices are 1-based, counted across rollover. */
    static final class Faults {
        LongPredicate dropAckOnce = b -> false;  // skip the first ACK for these blocks
        LongPredicate dropDataOnce = b -> false; // ignore the first DATA for these blocks
        boolean duplicateAcks;                   // send every ACK twice
    }

    record Result(byte[] data, Map<String, String> oack, int errorCode, String errorMessage,
                  long dataPackets, long blocks) {
        boolean ok() {
            return errorCode < 0;
        }
    }

    Result fetch(String name, Map<String, String> options, Faults faults) throws IOException {
        return fetch(name, "octet", options, faults);
    }

    Result fetch(String name, String mode, Map<String, String> options, Faults faults) throws IOException {
        sendRaw(array(TftpPacket.request(TftpPacket.RRQ, name, mode, options)));
        int blockSize = 512;
        int window = 1;
        Map<String, String> oack = Map.of();
        InetSocketAddress tid = null;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long expected = 1;
        long dataPackets = 0;
        int inWindow = 0;
        boolean gapAcked = false;
        Set<Long> droppedAcks = new HashSet<>();
        Set<Long> droppedData = new HashSet<>();
        while (true) {
            DatagramPacket p = receive(3000);
            if (p == null) {
                throw new IOException("timed out waiting for the server (expected block " + expected + ")");
            }
            InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
            if (tid == null) {
                tid = from;
            } else if (!tid.equals(from)) {
                throw new IOException("packet from unexpected TID " + from);
            }
            int op = opcode(p);
            if (op == TftpPacket.ERROR) {
                return new Result(null, oack, errorCode(p), errorMessage(p), dataPackets, expected - 1);
            }
            if (op == TftpPacket.OACK) {
                try {
                    oack = TftpPacket.parseOack(ByteBuffer.wrap(p.getData(), 0, p.getLength()));
                } catch (MalformedPacketException e) {
                    throw new IOException(e);
                }
                blockSize = Integer.parseInt(oack.getOrDefault("blksize", "512"));
                window = Integer.parseInt(oack.getOrDefault("windowsize", "1"));
                ack(tid, 0, faults);
                continue;
            }
            if (op != TftpPacket.DATA) {
                throw new IOException("unexpected opcode " + op);
            }
            dataPackets++;
            int wire = ((p.getData()[2] & 0xff) << 8) | (p.getData()[3] & 0xff);
            if (wire != (int) (expected & 0xFFFF)) {
                // Out of order (something was lost) or a retransmission: re-ACK the last good block once.
                if (!gapAcked) {
                    ack(tid, expected - 1, faults);
                    gapAcked = true;
                }
                continue;
            }
            if (faults.dropDataOnce.test(expected) && droppedData.add(expected)) {
                continue;
            }
            gapAcked = false;
            int len = p.getLength() - 4;
            out.write(p.getData(), 4, len);
            boolean last = len < blockSize;
            inWindow++;
            if (last || inWindow == window) {
                inWindow = 0;
                if (faults.dropAckOnce.test(expected) && droppedAcks.add(expected)) {
                    // pretend this ACK got lost
                } else {
                    ack(tid, expected, faults);
                }
            }
            expected++;
            if (last) {
                return new Result(out.toByteArray(), oack, -1, null, dataPackets, expected - 1);
            }
        }
    }

    private void ack(InetSocketAddress tid, long block, Faults faults) throws IOException {
        byte[] ack = {0, 4, (byte) (block >> 8), (byte) block};
        socket.send(new DatagramPacket(ack, 4, tid));
        if (faults.duplicateAcks) {
            socket.send(new DatagramPacket(ack, 4, tid));
        }
    }

    static byte[] array(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    static Map<String, String> options(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Override
    public void close() {
        socket.close();
    }
}
