package io.labctl.cli.exec;

import io.labctl.cli.ExitCodes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jline.utils.Signals;

/**
 * While remote commands run or logs stream: Ctrl-C (SIGINT) asks labd to stop them instead of killing labctl on the spot, a second
 * Ctrl-C gives up waiting; SIGTERM, SIGHUP and any other JVM exit still stop them and restore the terminal through
 * a shutdown hook. {@link #close()} puts the previous handlers back.
 */
public final class Interrupts implements InterruptSource.Registration {
    /** SIGINT and JVM exit of this process. */
    public static final InterruptSource PROCESS = Interrupts::install;

    /** Installed and not yet closed, for {@link #pressCtrlC()}. */
    private static final Set<Interrupts> ACTIVE = ConcurrentHashMap.newKeySet();

    private final Runnable cancel;
    private final Runnable restore;
    private final AtomicInteger interrupts = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread hook;
    private final Object previousInt;

    private Interrupts(Runnable cancel, Runnable restore) {
        this.cancel = cancel;
        this.restore = restore;
        this.hook = new Thread(this::onExit, "labctl-exec-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        this.previousInt = Signals.register("INT", this::onInterrupt);
        ACTIVE.add(this);
    }

    /**
     * What a first Ctrl-C does, for every installed instance, without a signal: a JVM cannot safely send SIGINT to
     * itself (a handler not yet or no longer installed would end it), so in-process callers such as tests use this.
     * Never gives up waiting the way a second Ctrl-C does.
     */
    public static void pressCtrlC() {
        for (Interrupts i : ACTIVE) {
            if (i.interrupts.compareAndSet(0, 1)) {
                i.cancel.run();
            }
        }
    }

    /**
     * @param cancel  asks labd to stop the command(s); must not block for long
     * @param restore puts the local terminal back; idempotent
     */
    public static Interrupts install(Runnable cancel, Runnable restore) {
        return new Interrupts(cancel, restore);
    }

    private void onInterrupt() {
        if (interrupts.incrementAndGet() == 1) {
            cancel.run();
        } else {
            restore.run();
            Runtime.getRuntime().halt(ExitCodes.CANCELLED);
        }
    }

    private void onExit() {
        if (!closed.get()) {
            cancel.run();
            restore.run();
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            ACTIVE.remove(this);
            if (previousInt != null) {
                Signals.unregister("INT", previousInt);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already exiting; the hook runs and finds us closed
            }
        }
    }
}
