package io.labctl.bastion.dhcp;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Address pool with leases keyed by MAC. Expired leases are remembered (not deleted) so a MAC gets the
 * same address back as long as nobody else needed it. Thread-safe; optionally persisted to a file.
 */
public final class LeaseTable {
    private static final Logger log = LoggerFactory.getLogger(LeaseTable.class);

    public enum State { OFFERED, BOUND, RELEASED }

    public record Lease(String mac, Inet4Address address, Instant expires, State state) {
        public boolean activeAt(Instant now) {
            return state != State.RELEASED && expires.isAfter(now);
        }
    }

    private final int start;
    private final int end;
    private final int excluded;
    private final Clock clock;
    private final Path file;
    private final Map<String, Lease> byMac = new LinkedHashMap<>();
    private final Map<Integer, String> byAddress = new HashMap<>();
    private final Map<Integer, Instant> quarantine = new HashMap<>();

    public LeaseTable(Inet4Address poolStart, Inet4Address poolEnd, Inet4Address excluded, Clock clock, Path file) {
        this.start = Ipv4.toInt(poolStart);
        this.end = Ipv4.toInt(poolEnd);
        this.excluded = excluded == null ? 0 : Ipv4.toInt(excluded);
        this.clock = clock;
        this.file = file;
        if (file != null) {
            load();
        }
    }

    public static LeaseTable forSettings(DhcpSettings s, Clock clock) {
        if (s.mode() != DhcpSettings.Mode.FULL) {
            return null;
        }
        return new LeaseTable(s.poolStart(), s.poolEnd(), s.serverAddress(), clock, s.leaseFile());
    }

    public boolean inPool(Inet4Address a) {
        int v = Ipv4.toInt(a);
        return Integer.compareUnsigned(v, start) >= 0 && Integer.compareUnsigned(v, end) <= 0 && v != excluded;
    }

    public synchronized Optional<Lease> leaseFor(String mac) {
        return Optional.ofNullable(byMac.get(mac));
    }

    public synchronized List<Lease> all() {
        return List.copyOf(byMac.values());
    }

    /** Reserves an address for {@code mac} for {@code hold}; empty when the pool is exhausted. */
    public synchronized Optional<Inet4Address> offer(String mac, Inet4Address requested, Duration hold) {
        Instant now = clock.instant();
        Integer addr = choose(mac, requested, now);
        if (addr == null) {
            return Optional.empty();
        }
        Lease current = byMac.get(mac);
        if (current != null && Ipv4.toInt(current.address()) == addr && current.state() == State.BOUND && current.activeAt(now)) {
            return Optional.of(current.address()); // already bound: do not shorten it to an offer
        }
        put(new Lease(mac, Ipv4.fromInt(addr), now.plus(hold), State.OFFERED));
        return Optional.of(Ipv4.fromInt(addr));
    }

    private Integer choose(String mac, Inet4Address requested, Instant now) {
        Lease own = byMac.get(mac);
        if (own != null && usableFor(mac, Ipv4.toInt(own.address()), now)) {
            return Ipv4.toInt(own.address());
        }
        if (requested != null && usableFor(mac, Ipv4.toInt(requested), now)) {
            return Ipv4.toInt(requested);
        }
        // Prefer never-used addresses so expired leases stay with their previous owners as long as possible.
        Integer expired = null;
        for (long v = Integer.toUnsignedLong(start); v <= Integer.toUnsignedLong(end); v++) {
            int a = (int) v;
            if (a == excluded || quarantined(a, now)) {
                continue;
            }
            String owner = byAddress.get(a);
            if (owner == null) {
                return a;
            }
            if (expired == null && !byMac.get(owner).activeAt(now)) {
                expired = a;
            }
        }
        return expired;
    }

    private boolean usableFor(String mac, int a, Instant now) {
        if (!inPool(Ipv4.fromInt(a)) || quarantined(a, now)) {
            return false;
        }
        String owner = byAddress.get(a);
        return owner == null || owner.equals(mac) || !byMac.get(owner).activeAt(now);
    }

    private boolean quarantined(int a, Instant now) {
        Instant until = quarantine.get(a);
        return until != null && until.isAfter(now);
    }

    /** Binds {@code address} to {@code mac}; false if it is outside the pool or actively held by another MAC. */
    public synchronized boolean bind(String mac, Inet4Address address, Duration leaseTime) {
        Instant now = clock.instant();
        if (!usableFor(mac, Ipv4.toInt(address), now)) {
            return false;
        }
        put(new Lease(mac, address, now.plus(leaseTime), State.BOUND));
        save();
        return true;
    }

    /** True if {@code address} is actively leased or offered to {@code mac}. */
    public synchronized boolean holds(String mac, Inet4Address address) {
        Lease l = byMac.get(mac);
        return l != null && l.address().equals(address) && l.activeAt(clock.instant());
    }

    public synchronized void release(String mac, Inet4Address address) {
        Lease l = byMac.get(mac);
        if (l != null && (address == null || l.address().equals(address))) {
            byMac.put(mac, new Lease(mac, l.address(), clock.instant(), State.RELEASED));
            save();
        }
    }

    /** The client found the address in use (ARP): keep it out of the pool for a while. */
    public synchronized void decline(String mac, Inet4Address address, Duration quarantineTime) {
        if (address == null || !inPool(address)) {
            return;
        }
        int a = Ipv4.toInt(address);
        quarantine.put(a, clock.instant().plus(quarantineTime));
        String owner = byAddress.get(a);
        if (owner != null && owner.equals(mac)) {
            byAddress.remove(a);
            byMac.remove(mac);
            save();
        }
    }

    private void put(Lease lease) {
        int a = Ipv4.toInt(lease.address());
        Lease previous = byMac.remove(lease.mac());
        if (previous != null) {
            byAddress.remove(Ipv4.toInt(previous.address()));
        }
        String oldOwner = byAddress.put(a, lease.mac());
        if (oldOwner != null && !oldOwner.equals(lease.mac())) {
            byMac.remove(oldOwner); // its lease had expired; the address moves on
        }
        byMac.put(lease.mac(), lease);
    }

    // ------------------------------------------------------------ persistence: "mac address expiresEpochSecond state"

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.trim().split("\\s+");
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                try {
                    Lease l = new Lease(f[0], Ipv4.parse(f[1]), Instant.ofEpochSecond(Long.parseLong(f[2])), State.valueOf(f[3]));
                    if (inPool(l.address())) {
                        put(l);
                    }
                } catch (RuntimeException e) {
                    log.warn("ignoring bad line in lease file {}: '{}'", file, line);
                }
            }
            log.info("loaded {} leases from {}", byMac.size(), file);
        } catch (IOException e) {
            log.warn("cannot read lease file {}: {}", file, e.toString());
        }
    }

    private void save() {
        if (file == null) {
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add("# labctl bastion DHCP leases: mac address expiresEpochSecond state");
        for (Lease l : byMac.values()) {
            if (l.state() != State.OFFERED) {
                lines.add(l.mac() + " " + l.address().getHostAddress() + " " + l.expires().getEpochSecond() + " " + l.state());
            }
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            // Rename is atomic, so a crash leaves either the old or the new file, never half of one.
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("cannot write lease file {}: {}", file, e.toString());
        }
    }
}
