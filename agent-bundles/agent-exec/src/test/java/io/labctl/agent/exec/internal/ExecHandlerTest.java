package io.labctl.agent.exec.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.agent.api.StreamReceiver;
import io.labctl.agent.testsupport.RecordingStreamChannel;
import io.labctl.protocol.channel.StreamOpen;
import io.labctl.protocol.exec.ExecRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecHandlerTest {
    private final ExecHandler handler = new ExecHandler();

    @AfterEach
    void killLeftovers() {
        handler.deactivate();
    }

    // ---- without a terminal

    @Test
    void closesWithTheExitCode() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        handler.open(exec("sh", "-c", "exit 3"), channel);
        assertTrue(channel.awaitEnd(10_000));
        assertTrue(channel.closed());
        assertEquals(3, channel.exitCode());
    }

    @Test
    void reportsTheExitCodeOfAKilledProcessAsTheOsDoes() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        handler.open(exec("sh", "-c", "kill -TERM $$"), channel);
        assertTrue(channel.awaitEnd(10_000));
        assertEquals(128 + 15, channel.exitCode());
    }

    @Test
    void keepsStdoutAndStderrApart() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        handler.open(exec("sh", "-c", "echo out; echo err >&2; echo out2"), channel);
        assertTrue(channel.awaitEnd(10_000));
        assertEquals(0, channel.exitCode());
        assertEquals("out\nout2\n", text(channel.output(ExecRequest.STDOUT)));
        assertEquals("err\n", text(channel.output(ExecRequest.STDERR)));
        for (byte[] p : channel.payloads().stream().map(RecordingStreamChannel.Payload::bytes).toList()) {
            assertTrue(p[0] == ExecRequest.STDOUT || p[0] == ExecRequest.STDERR, "tag " + p[0]);
        }
    }

    @Test
    void pipesStdinThroughAndEndsInput() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        StreamReceiver receiver = handler.open(exec("cat"), channel);
        receiver.onData(stdin("hello "));
        receiver.onData(ByteBuffer.wrap(ExecRequest.resize(100, 40))); // no terminal: ignored
        receiver.onData(stdin("world\n"));
        receiver.onInputClosed();
        assertTrue(channel.awaitEnd(10_000));
        assertEquals(0, channel.exitCode());
        assertEquals("hello world\n", text(channel.output(ExecRequest.STDOUT)));
    }

    @Test
    void passesMoreInputThanItBuffersToASlowReader() throws Exception {
        byte[] input = new byte[1_000_000];
        new java.util.Random(7).nextBytes(input);
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        StreamReceiver receiver = handler.open(exec("sh", "-c", "sleep 1; sha256sum"), channel);
        for (int off = 0; off < input.length; off += 60_000) {
            int n = Math.min(60_000, input.length - off);
            byte[] payload = new byte[n + 1];
            payload[0] = ExecRequest.STDIN;
            System.arraycopy(input, off, payload, 1, n);
            receiver.onData(ByteBuffer.wrap(payload));
        }
        receiver.onInputClosed();
        assertTrue(channel.awaitEnd(20_000));
        assertEquals(0, channel.exitCode());
        assertEquals(sha256(input) + "  -", text(channel.output(ExecRequest.STDOUT)).strip());
    }

    @Test
    void binaryOutputArrivesByteExact(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("random.bin");
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        handler.open(exec("sh", "-c", "head -c 5000000 /dev/urandom | tee \"$1\"", "sh", copy.toString()), channel);
        assertTrue(channel.awaitEnd(30_000));
        assertEquals(0, channel.exitCode());
        byte[] sent = channel.output(ExecRequest.STDOUT);
        assertEquals(5_000_000, sent.length);
        assertEquals(sha256(Files.readAllBytes(copy)), sha256(sent));
        assertTrue(channel.payloads().stream().allMatch(p -> p.bytes().length <= ExecSession.CHUNK + 1));
    }

    @Test
    void withoutCreditTheCommandWaitsAndNothingIsLost() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(1, ExecRequest.KIND, 0);
        ExecSession session = (ExecSession) handler.open(exec("seq", "1", "300000"), channel);
        // seq alone needs well under a second; without credit it must be held on a full pipe
        Thread.sleep(1500);
        assertTrue(channel.payloads().isEmpty());
        assertTrue(channel.isOpen());
        assertTrue(channel.writerWaitingForCredit());
        assertTrue(ProcessHandle.of(session.pid()).map(ProcessTree::isRunning).orElse(false), "seq still running");
        while (!channel.awaitEnd(5)) {
            channel.grant(50_000);
        }
        assertEquals(0, channel.exitCode());
        String expected = IntStream.rangeClosed(1, 300_000).mapToObj(Integer::toString)
                .collect(Collectors.joining("\n", "", "\n"));
        assertEquals(expected, text(channel.output(ExecRequest.STDOUT)));
    }

    @Test
    void abortKillsTheWholeTree() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        ExecSession session = (ExecSession) handler.open(exec("sh", "-c", "sleep 300 & sleep 300 & wait"), channel);
        List<Long> pids = treeOf(session.pid(), 2);
        channel.abortFromLabd(ExecRequest.CANCELLED);
        session.onAbort(ExecRequest.CANCELLED);
        assertTrue(allGone(pids, 5_000), "still running: " + running(pids));
        assertFalse(channel.closed());
        assertNull(channel.errorCode());
    }

    @Test
    void abortKillsWhatIgnoresTerm() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        // an ignored TERM is inherited: neither the shell nor its sleep dies of it
        ExecSession session = (ExecSession) handler.open(
                exec("sh", "-c", "trap '' TERM; sleep 300 & wait; wait"), channel);
        List<Long> pids = treeOf(session.pid(), 1);
        long start = System.nanoTime();
        channel.abortFromLabd(ExecRequest.TIMEOUT);
        session.onAbort(ExecRequest.TIMEOUT);
        assertTrue(allGone(pids, 6_000), "still running: " + running(pids));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(1900), "KILL only after the grace");
    }

    @Test
    void anAbortReleasesInputWaitingForAProcessThatDoesNotRead() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        ExecSession session = (ExecSession) handler.open(exec("sleep", "300"), channel);
        Thread feeder = new Thread(() -> {
            for (int i = 0; i < 10; i++) {
                byte[] payload = new byte[60_001];
                session.onData(ByteBuffer.wrap(payload));
            }
        });
        feeder.start();
        feeder.join(1000);
        assertTrue(feeder.isAlive(), "input beyond the pipe and the feeder's limit must wait");
        channel.abortFromLabd(ExecRequest.CANCELLED);
        feeder.join(2000);
        assertFalse(feeder.isAlive(), "an ended stream releases the waiting input");
        session.onAbort(ExecRequest.CANCELLED);
        assertTrue(allGone(List.of(session.pid()), 5_000));
    }

    @Test
    void deactivationKillsEverythingItStarted() throws Exception {
        RecordingStreamChannel piped = new RecordingStreamChannel(1, ExecRequest.KIND, Long.MAX_VALUE / 2);
        RecordingStreamChannel terminal = new RecordingStreamChannel(2, ExecRequest.KIND, Long.MAX_VALUE / 2);
        ExecSession a = (ExecSession) handler.open(exec("sh", "-c", "sleep 300 & wait"), piped);
        ExecSession b = (ExecSession) handler.open(tty(80, 24, "sh", "-c", "sleep 300 & wait"), terminal);
        List<Long> pids = new ArrayList<>(treeOf(a.pid(), 1));
        pids.addAll(treeOf(b.pid(), 1));
        handler.deactivate();
        assertTrue(allGone(pids, 5_000), "still running: " + running(pids));
        assertEquals(ExecSession.CAPABILITY_REMOVED, piped.errorCode());
        assertEquals(ExecSession.CAPABILITY_REMOVED, terminal.errorCode());
        assertThrows(IllegalStateException.class, () -> handler.open(exec("true"), new RecordingStreamChannel(ExecRequest.KIND)));
    }

    @Test
    void unknownCommandIsNotFound() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        assertEquals(StreamReceiver.IGNORE, handler.open(exec("no-such-command-here"), channel));
        assertEquals(ExecHandler.COMMAND_NOT_FOUND, channel.errorCode());
        assertEquals("no-such-command-here: not found on " + HostName.get(), channel.errorMessage());

        RecordingStreamChannel byPath = new RecordingStreamChannel(ExecRequest.KIND);
        handler.open(tty(80, 24, "/no/such/program"), byPath);
        assertEquals(ExecHandler.COMMAND_NOT_FOUND, byPath.errorCode());
    }

    @Test
    void nonExecutableFileIsRefused(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("script.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        for (boolean tty : new boolean[] {false, true}) {
            for (String program : List.of(script.toString(), dir.toString())) {
                RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
                handler.open(new StreamOpen("exec", new ExecRequest(List.of(program), tty, 80, 24).toParams(), 0),
                        channel);
                assertEquals(ExecHandler.COMMAND_NOT_EXECUTABLE, channel.errorCode(), program + " tty " + tty);
            }
        }
    }

    @Test
    void refusesBadParameters() {
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        Map<String, Object> empty = new HashMap<>(Map.of("command", List.of()));
        Map<String, Object> notStrings = new HashMap<>(Map.of("command", Arrays.asList("echo", 3)));
        Map<String, Object> notAList = new HashMap<>(Map.of("command", "echo hi"));
        for (Map<String, Object> params : List.of(empty, notStrings, notAList, Map.<String, Object>of())) {
            assertThrows(IllegalArgumentException.class,
                    () -> handler.open(new StreamOpen("exec", params, 0), channel), params.toString());
        }
        assertTrue(channel.isOpen(), "a refusal is the core's to report");
        assertEquals(0, handler.running());
    }

    // ---- in a terminal

    @Test
    void ttyRunsInAPseudoTerminal() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        handler.open(tty(80, 24, "tty"), channel);
        assertTrue(channel.awaitEnd(10_000));
        assertEquals(0, channel.exitCode());
        assertTrue(stripAnsi(text(channel.output(ExecRequest.STDOUT))).strip().matches("/dev/pts/\\d+"),
                text(channel.output(ExecRequest.STDOUT)));
    }

    @Test
    void ttyHasTheRequestedSizeAndFollowsResizes() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        StreamReceiver receiver = handler.open(tty(100, 30, "sh", "-c", "stty size; read x; stty size"), channel);
        assertTrue(channel.awaitOutput(ExecRequest.STDOUT, "30 100", 10_000), text(channel.output(ExecRequest.STDOUT)));
        receiver.onData(ByteBuffer.wrap(ExecRequest.resize(132, 43)));
        receiver.onData(stdin("\n"));
        assertTrue(channel.awaitEnd(10_000));
        assertEquals(0, channel.exitCode());
        List<String> lines = stripAnsi(text(channel.output(ExecRequest.STDOUT))).lines()
                .map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toList());
        assertEquals(List.of("30 100", "43 132"), lines);
    }

    @Test
    void ttyMergesStderrIntoStdout() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        handler.open(tty(80, 24, "sh", "-c", "echo to-stderr >&2; exit 5"), channel);
        assertTrue(channel.awaitEnd(10_000));
        assertEquals(5, channel.exitCode());
        assertTrue(text(channel.output(ExecRequest.STDOUT)).contains("to-stderr"));
        assertTrue(channel.payloads().stream().allMatch(p -> p.bytes()[0] == ExecRequest.STDOUT));
    }

    @Test
    void ttyEndOfInputIsTheTerminalsEof() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        StreamReceiver receiver = handler.open(tty(80, 24, "cat"), channel);
        receiver.onData(stdin("line\npartial"));
        receiver.onInputClosed();
        assertTrue(channel.awaitEnd(10_000));
        assertEquals(0, channel.exitCode());
        assertTrue(text(channel.output(ExecRequest.STDOUT)).contains("partial"));
    }

    @Test
    void ttyOutputEndingBeforeTheExitDoesNotHangTheCommandUp() throws Exception {
        // the terminal's output ends when the command closes its last descriptor, not when it exits: closing the
        // master then would send it SIGHUP (exit 129), as cat's own exit path sometimes did
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        handler.open(tty(80, 24, "sh", "-c", "echo closing; exec <&- >&- 2>&-; sleep 0.5; exit 7"), channel);
        assertTrue(channel.awaitEnd(10_000));
        assertEquals(7, channel.exitCode());
        assertTrue(text(channel.output(ExecRequest.STDOUT)).contains("closing"));
    }

    @Test
    void ttyAbortKillsTheTree() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        ExecSession session = (ExecSession) handler.open(tty(80, 24, "sh", "-c", "sleep 300 & sleep 300 & wait"),
                channel);
        List<Long> pids = treeOf(session.pid(), 2);
        channel.abortFromLabd(ExecRequest.CANCELLED);
        session.onAbort(ExecRequest.CANCELLED);
        assertTrue(allGone(pids, 5_000), "still running: " + running(pids));
    }

    @Test
    void ttyAbortAlsoKillsOrphansOfItsSession() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        // the inner shell exits at once: its sleep is re-parented, no longer a descendant, still in the session;
        // it ignores the hangup the terminal's end sends
        ExecSession session = (ExecSession) handler.open(
                tty(80, 24, "sh", "-c", "sh -c \"trap '' HUP; sleep 301 >/dev/null 2>&1 &\"; sleep 300"), channel);
        long orphan = awaitProcess(p -> ProcessTree.sessionOf(p.pid()) == session.pid()
                && p.info().arguments().map(a -> Arrays.asList(a).contains("301")).orElse(false));
        assertFalse(ProcessHandle.of(session.pid()).orElseThrow().descendants().anyMatch(p -> p.pid() == orphan));
        channel.abortFromLabd(ExecRequest.CANCELLED);
        session.onAbort(ExecRequest.CANCELLED);
        assertTrue(allGone(List.of(orphan, session.pid()), 5_000));
    }

    @Test
    void ttyThatCannotLoadFailsTheStreamClearly() throws Exception {
        ExecHandler noTerminals = new ExecHandler((command, env, dir, cols, rows) -> {
            throw new UnsatisfiedLinkError("libpty.so: cannot open shared object file");
        });
        RecordingStreamChannel channel = new RecordingStreamChannel(ExecRequest.KIND);
        noTerminals.open(tty(80, 24, "sh"), channel);
        assertEquals(ExecHandler.TTY_UNAVAILABLE, channel.errorCode());
        assertTrue(channel.errorMessage().contains("libpty.so"), channel.errorMessage());
        RecordingStreamChannel piped = new RecordingStreamChannel(ExecRequest.KIND);
        noTerminals.open(exec("true"), piped);
        assertTrue(piped.awaitEnd(10_000));
        assertEquals(0, piped.exitCode());
    }

    // ---- helpers

    private static StreamOpen exec(String... command) {
        return new StreamOpen("exec", new ExecRequest(List.of(command), false, 80, 24).toParams(), 65536);
    }

    private static StreamOpen tty(int cols, int rows, String... command) {
        return new StreamOpen("exec", new ExecRequest(List.of(command), true, cols, rows).toParams(), 65536);
    }

    private static ByteBuffer stdin(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.wrap(ExecRequest.tagged(ExecRequest.STDIN, b, 0, b.length));
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Terminal output without escape sequences (CSI, OSC) and carriage returns. */
    static String stripAnsi(String s) {
        return s.replaceAll("\u001B\\[[0-?]*[ -/]*[@-~]", "")
                .replaceAll("\u001B\\][^\u0007\u001B]*(\u0007|\u001B\\\\)", "")
                .replaceAll("\u001B[@-Z\\\\-_]", "")
                .replace("\r", "");
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** The process and at least {@code descendants} descendants, once they have started. */
    private static List<Long> treeOf(long pid, int descendants) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            List<Long> found = ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
                    .map(ProcessHandle::pid).collect(Collectors.toList());
            if (found.size() >= descendants) {
                found.add(pid);
                return found;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("pid " + pid + " did not start " + descendants + " descendants");
    }

    private static long awaitProcess(java.util.function.Predicate<ProcessHandle> test) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            var found = ProcessHandle.allProcesses().filter(test).findFirst();
            if (found.isPresent()) {
                return found.get().pid();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such process appeared");
    }

    private static List<Long> running(List<Long> pids) {
        return pids.stream().filter(p -> ProcessHandle.of(p).map(ProcessTree::isRunning).orElse(false))
                .collect(Collectors.toList());
    }

    private static boolean allGone(List<Long> pids, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (running(pids).isEmpty()) {
                return true;
            }
            Thread.sleep(20);
        }
        return running(pids).isEmpty();
    }
}
