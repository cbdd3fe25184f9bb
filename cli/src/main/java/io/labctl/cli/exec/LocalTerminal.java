package io.labctl.cli.exec;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Attributes.ControlFlag;
import org.jline.terminal.Attributes.InputFlag;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Attributes.OutputFlag;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.Signals;

/**
 * The local terminal in raw mode for {@code exec -t}: every key goes to the remote pseudo-terminal (Ctrl-C included),
 * the size travels in OPEN and on SIGWINCH. {@link #close()} restores the previous mode and is safe to call twice,
 * from any thread (a shutdown hook included).
 */
public abstract class LocalTerminal implements AutoCloseable {
    private final AtomicBoolean closed = new AtomicBoolean();

    public abstract int cols();

    public abstract int rows();

    /** Calls {@code listener} with (cols, rows) whenever the terminal is resized. */
    public abstract void onResize(BiConsumer<Integer, Integer> listener);

    protected abstract void restore();

    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            restore();
        }
    }

    /** Raw mode through JLine; where JLine cannot open the system terminal, through stty on /dev/tty. */
    public static LocalTerminal raw() throws IOException {
        try {
            return new JLine();
        } catch (IOException | RuntimeException | LinkageError e) {
            return new Stty();
        }
    }

    /** cfmakeraw(3): no echo, no line editing, no signals from keys, no output processing, 8-bit bytes. */
    static Attributes rawFrom(Attributes saved) {
        Attributes raw = new Attributes(saved);
        raw.setInputFlags(EnumSet.of(InputFlag.IGNBRK, InputFlag.BRKINT, InputFlag.PARMRK, InputFlag.ISTRIP,
                InputFlag.INLCR, InputFlag.IGNCR, InputFlag.ICRNL, InputFlag.IXON), false);
        raw.setOutputFlag(OutputFlag.OPOST, false);
        raw.setLocalFlags(EnumSet.of(LocalFlag.ECHO, LocalFlag.ECHONL, LocalFlag.ICANON, LocalFlag.ISIG,
                LocalFlag.IEXTEN), false);
        raw.setControlFlags(EnumSet.of(ControlFlag.CS5, ControlFlag.CS6, ControlFlag.CS7, ControlFlag.PARENB), false);
        raw.setControlFlag(ControlFlag.CS8, true);
        raw.setControlChar(ControlChar.VMIN, 1);
        raw.setControlChar(ControlChar.VTIME, 0);
        return raw;
    }

    private static final class JLine extends LocalTerminal {
        private final Terminal terminal;
        private final Attributes saved;

        JLine() throws IOException {
            terminal = TerminalBuilder.builder().system(true).dumb(false).nativeSignals(true).build();
            if (terminal.getType() == null || terminal.getType().startsWith(Terminal.TYPE_DUMB)) {
                terminal.close();
                throw new IOException("no system terminal");
            }
            saved = terminal.getAttributes();
            terminal.setAttributes(rawFrom(saved));
        }

        @Override
        public int cols() {
            Size s = terminal.getSize();
            return s == null || s.getColumns() < 1 ? 80 : s.getColumns();
        }

        @Override
        public int rows() {
            Size s = terminal.getSize();
            return s == null || s.getRows() < 1 ? 24 : s.getRows();
        }

        @Override
        public void onResize(BiConsumer<Integer, Integer> listener) {
            terminal.handle(Terminal.Signal.WINCH, sig -> listener.accept(cols(), rows()));
        }

        @Override
        protected void restore() {
            try {
                terminal.setAttributes(saved);
            } finally {
                try {
                    terminal.close();
                } catch (IOException e) {
                    // the mode is restored; nothing else to do
                }
            }
        }
    }

    /** The fallback: stty(1) on /dev/tty, as a shell script would do it. */
    private static final class Stty extends LocalTerminal {
        private final String saved;
        private Object previousWinch;

        Stty() throws IOException {
            saved = stty("-g").strip();
            stty("raw", "-echo");
        }

        @Override
        public int cols() {
            return size()[1];
        }

        @Override
        public int rows() {
            return size()[0];
        }

        /** {rows, cols} from 'stty size', 24x80 if unknown. */
        private int[] size() {
            try {
                String[] parts = stty("size").strip().split("\\s+");
                int rows = Integer.parseInt(parts[0]);
                int cols = Integer.parseInt(parts[1]);
                return new int[] {rows > 0 ? rows : 24, cols > 0 ? cols : 80};
            } catch (IOException | RuntimeException e) {
                return new int[] {24, 80};
            }
        }

        @Override
        public void onResize(BiConsumer<Integer, Integer> listener) {
            previousWinch = Signals.register("WINCH", () -> {
                int[] s = size();
                listener.accept(s[1], s[0]);
            });
        }

        @Override
        protected void restore() {
            if (previousWinch != null) {
                Signals.unregister("WINCH", previousWinch);
            }
            try {
                stty(saved);
            } catch (IOException e) {
                // nothing better to do than leave it; 'stty sane' fixes it by hand
            }
        }

        private static String stty(String... args) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add("stty");
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroy();
                    throw new IOException("stty " + String.join(" ", args) + " failed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running stty", e);
            }
            return out;
        }
    }
}
