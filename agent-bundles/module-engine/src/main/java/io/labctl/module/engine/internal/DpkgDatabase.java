package io.labctl.module.engine.internal;

import io.labctl.module.CommandResult;
import io.labctl.module.engine.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.stream.Stream;

/**
 * Which packages dpkg says are installed on a host, at which version, from one {@code dpkg-query} listing kept until
 * dpkg's database changes. A drift check re-plans every package resource of a module each time; asking dpkg-query
 * once per package costs a process each (most of a check's time), while the listing is valid for as long as dpkg's
 * {@code status} file and its {@code updates} journal are unchanged. dpkg replaces {@code status} by renaming a new
 * file over it and adds journal files while it works, so the file's identity, size and time and the journal's file
 * names tell when to list again.
 * Kept per {@link Host} (the engine is made per run, the host lives as long as the agent's module handler).
 */
final class DpkgDatabase {
    private static final String STATUS = "var/lib/dpkg/status";
    private static final String UPDATES = "var/lib/dpkg/updates";
    private static final List<String> LISTING = List.of("dpkg-query", "-W",
            "-f=${binary:Package}\\t${Package}\\t${db:Status-Abbrev}\\t${Version}\\n");
    private static final Map<Host, Listing> LISTINGS = Collections.synchronizedMap(new WeakHashMap<>());

    /** The installed packages (name and, for multi-arch ones, name:arch, to version) as of a database state. */
    private record Listing(List<Object> databaseState, Map<String, String> installed) {}

    private DpkgDatabase() {
    }

    /** The installed version of the package, or null when dpkg does not have it installed. */
    static String installedVersion(String name, RunContext run, Duration timeout) throws IOException {
        List<Object> state = databaseState(run.host());
        Listing listing = LISTINGS.get(run.host());
        if (state == null || listing == null || !listing.databaseState().equals(state)) {
            // the state is read before the listing: a change in between makes the next call list again
            listing = new Listing(state, parse(run.check(timeout, LISTING)));
            if (state != null) {
                LISTINGS.put(run.host(), listing);
            }
        }
        return listing.installed().get(name);
    }

    /** Identity, size and time of dpkg's status file and the names in its journal; null when it has no status file. */
    private static List<Object> databaseState(Host host) throws IOException {
        // the database dpkg-query reads where it runs: this machine's for a local host (whose root only places the
        // module's files), the host's root for one whose commands run inside it (a machine, a container)
        Path base = host instanceof LocalHost ? Path.of("/") : host.root();
        List<Object> state = new ArrayList<>();
        try {
            BasicFileAttributes a = Files.readAttributes(base.resolve(STATUS), BasicFileAttributes.class);
            state.add(List.of(String.valueOf(a.fileKey()), a.size(), a.lastModifiedTime()));
        } catch (NoSuchFileException e) {
            return null; // no dpkg database to watch: ask every time, and let the listing say what is wrong
        }
        // the journal's file names, not the folder's time: two changes within one tick of the file system's clock
        // would leave that time as it was (the folder is empty but while dpkg works)
        Path updates = base.resolve(UPDATES);
        if (Files.isDirectory(updates)) {
            try (Stream<Path> entries = Files.list(updates)) {
                entries.map(e -> e.getFileName().toString()).sorted().forEach(state::add);
            }
        }
        return state;
    }

    /** Lines of "name:arch TAB name TAB status TAB version"; only "ii" (installed, no error) counts as installed. */
    static Map<String, String> parse(CommandResult listing) {
        Map<String, String> installed = new HashMap<>();
        for (String line : listing.stdout().split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length == 4 && f[2].startsWith("ii")) {
                String version = f[3].strip();
                installed.putIfAbsent(f[0], version);
                installed.putIfAbsent(f[1], version);
            }
        }
        return installed;
    }
}
