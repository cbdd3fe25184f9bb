package io.labctl.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * The process's stdin, stdout and stderr as bytes, for verbs that relay another program's I/O (exec): a remote
 * command's output must reach the terminal or pipe unchanged, not through a charset round trip.
 */
public record Stdio(InputStream in, OutputStream out, OutputStream err, BooleanSupplier stdinIsTerminal) {

    /** The real file descriptors, unbuffered so a closed pipe shows up as an IOException at once. */
    public static Stdio system() {
        return new Stdio(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out),
                new FileOutputStream(FileDescriptor.err), Stdio::stdinIsATerminal);
    }

    /** No input; output goes to the given writers as UTF-8 text (tests, embedding). */
    public static Stdio of(PrintWriter out, PrintWriter err) {
        return new Stdio(InputStream.nullInputStream(), new WriterStream(out), new WriterStream(err), () -> false);
    }

    /** Whether fd 0 is a terminal: /proc on Linux, else test(1), which inherits our stdin. */
    public static boolean stdinIsATerminal() {
        Path fd0 = Path.of("/proc/self/fd/0");
        if (Files.isDirectory(Path.of("/proc/self/fd"))) {
            try {
                String target = Files.readSymbolicLink(fd0).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        try {
            Process p = new ProcessBuilder("sh", "-c", "test -t 0").redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Bytes decoded as UTF-8 into a Writer; a multi-byte character split across writes is kept until complete. */
    static final class WriterStream extends OutputStream {
        private final Writer writer;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private byte[] carry = new byte[0];

        WriterStream(Writer writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer in = ByteBuffer.allocate(carry.length + len).put(carry).put(b, off, len).flip();
            CharBuffer chars = CharBuffer.allocate(in.remaining() + 1);
            decoder.decode(in, chars, false);
            writer.write(chars.flip().toString());
            carry = new byte[in.remaining()];
            in.get(carry);
        }

        @Override
        public void flush() throws IOException {
            writer.flush();
        }
    }
}
