package io.labctl.bastion.boot;

import io.labctl.protocol.provision.BastionEvent;
import io.labctl.protocol.provision.Macs;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this bastion saw and did, per MAC ({@code labctl logs bastion/ENV}), kept in a bounded buffer until it is
 * reported to labd in batches. When labd cannot take them (unreachable, or the buffer fills faster than reports go
 * out) the oldest are dropped and counted, and labd is told how many. TFTP and the entry script carry no MAC, so the
 * client's address is looked up: what this bastion's DHCP leased, then the kernel's ARP table (what was on the wire;
 * it has no entry for a client behind a router), and last the MAC a machine named in its own URLs from that address
 * (which is only what the client says).
 */
public final class BootEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BootEvents.class);
    static final int DEFAULT_CAPACITY = 10_000;
    /** Addresses remembered with their MAC; a network with more booting machines than this falls back to ARP. */
    static final int MAX_ADDRESSES = 4096;
    static final long REPORT_MILLIS = 1000;

    private final Clock clock;
    private final int capacity;
    private final Function<InetAddress, String> arp;
    private final ArrayDeque<BastionEvent> buffer = new ArrayDeque<>();
    private final Map<InetAddress, String> leased = addresses();
    private final Map<InetAddress, String> claimed = addresses();
    private long dropped;
    private Thread reporter;
    private volatile boolean running;

    public BootEvents(Clock clock, int capacity, Function<InetAddress, String> arp) {
        this.clock = clock;
        this.capacity = capacity;
        this.arp = arp;
    }

    /** For a running bastion: the system clock and Linux's ARP table. */
    public static BootEvents system() {
        return new BootEvents(Clock.systemUTC(), DEFAULT_CAPACITY, BootEvents::kernelArp);
    }

    /** An event of a known MAC (or null: unknown). */
    public void add(String mac, String kind, String detail) {
        String m = null;
        String d = detail;
        if (mac != null) {
            try {
                m = Macs.normalize(mac);
            } catch (IllegalArgumentException e) {
                d = "(hardware address " + mac + ") " + detail;  // not an Ethernet MAC: kept in the line, not as one
            }
        }
        BastionEvent e = new BastionEvent(clock.instant(), null, m, kind, BastionEvent.clean(d));
        synchronized (this) {
            if (buffer.size() >= capacity) {
                buffer.pollFirst();
                dropped++;
            }
            buffer.addLast(e);
        }
    }

    /** An event of whichever machine has this address, as far as the bastion can tell. */
    public void addFrom(InetAddress peer, String kind, String detail) {
        add(macOf(peer), kind, detail);
    }

    /** This bastion's DHCP gave the machine with this MAC this address. */
    public void leased(InetAddress address, String mac) {
        remember(leased, address, mac);
    }

    /** A request from this address named this MAC in its URL (the machine's own, as far as the client tells). */
    public void claimed(InetAddress address, String mac) {
        remember(claimed, address, mac);
    }

    private static void remember(Map<InetAddress, String> map, InetAddress address, String mac) {
        if (address != null && mac != null && !address.isAnyLocalAddress()) {
            synchronized (map) {
                map.put(address, mac);
            }
        }
    }

    private static Map<InetAddress, String> addresses() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, String> eldest) {
                return size() > MAX_ADDRESSES;
            }
        };
    }

    String macOf(InetAddress peer) {
        if (peer == null) {
            return null;
        }
        synchronized (leased) {
            String known = leased.get(peer);
            if (known != null) {
                return known;
            }
        }
        String wire;
        try {
            wire = arp.apply(peer);
        } catch (RuntimeException e) {
            wire = null;
        }
        if (wire != null) {
            return wire;
        }
        synchronized (claimed) {
            return claimed.get(peer);
        }
    }

    /** Takes up to {@link BastionEvent#MAX_BATCH} events and the count dropped so far; null when there is nothing. */
    synchronized BastionEvent.Batch take() {
        if (buffer.isEmpty() && dropped == 0) {
            return null;
        }
        List<BastionEvent> out = new ArrayList<>(Math.min(buffer.size(), BastionEvent.MAX_BATCH));
        while (out.size() < BastionEvent.MAX_BATCH && !buffer.isEmpty()) {
            out.add(buffer.pollFirst());
        }
        BastionEvent.Batch batch = new BastionEvent.Batch(out, dropped);
        dropped = 0;
        return batch;
    }

    /** A batch labd could not take goes back in front of what came since, as far as there is room. */
    synchronized void putBack(BastionEvent.Batch batch) {
        List<BastionEvent> events = batch.events();
        long lost = batch.dropped();
        for (int i = events.size() - 1; i >= 0; i--) {
            if (buffer.size() >= capacity) {
                lost += i + 1;  // the oldest of the batch
                break;
            }
            buffer.addFirst(events.get(i));
        }
        dropped += lost;
    }

    synchronized int size() {
        return buffer.size();
    }

    /** Reports one batch through send; false when there was nothing or send failed (the batch is kept). */
    boolean reportOnce(Consumer<BastionEvent.Batch> send) {
        BastionEvent.Batch batch = take();
        if (batch == null) {
            return false;
        }
        try {
            send.accept(batch);
            return true;
        } catch (ProvisioningLink.LinkException e) {
            if (!e.unreachable()) {
                // labd refused this batch: sending it again would be refused again
                LOG.warn("labd refused {} bastion events: {}", batch.events().size(), e.getMessage());
                return false;
            }
            putBack(batch);
            LOG.debug("bastion events not reported yet: {}", e.getMessage());
            return false;
        } catch (RuntimeException e) {
            putBack(batch);
            LOG.debug("bastion events not reported yet: {}", e.getMessage());
            return false;
        }
    }

    /** Reports every {@link #REPORT_MILLIS} on a thread of its own, until {@link #close}. */
    public synchronized void start(Consumer<BastionEvent.Batch> send) {
        running = true;
        reporter = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(REPORT_MILLIS);
                } catch (InterruptedException e) {
                    break;
                }
                while (running && reportOnce(send) && size() > 0) {
                    // a full batch went: the next one at once
                }
            }
            reportOnce(send);  // what came last, if labd takes it
        }, "bastion-events");
        reporter.setDaemon(true);
        reporter.start();
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = reporter;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The MAC of a complete entry for this IPv4 address in /proc/net/arp, or null. */
    static String kernelArp(InetAddress address) {
        try {
            return arpEntry(Files.readAllLines(Path.of("/proc/net/arp")), address.getHostAddress());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** /proc/net/arp: "IP address  HW type  Flags  HW address  Mask  Device"; flag 0x2 is a complete entry. */
    static String arpEntry(List<String> lines, String ip) {
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].equals(ip) && f[3].matches("[0-9a-fA-F:]{17}")
                    && (parseFlags(f[2]) & 0x2) != 0 && !f[3].equals("00:00:00:00:00:00")) {
                return f[3].toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    private static int parseFlags(String flags) {
        try {
            return Integer.decode(flags);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
