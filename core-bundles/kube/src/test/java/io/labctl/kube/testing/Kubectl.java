package io.labctl.kube.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real kubectl for tests: {@code $KUBECTL}, else {@code kubectl} on the PATH, if it runs ({@code .ci/run} puts
 * kubectl 1.33 there from the npm registry). Null when there is none, so tests that need it show as skipped.
 */
public final class Kubectl {
    private Kubectl() {}

    public static String find() {
        String configured = System.getenv("KUBECTL");
        for (String candidate : configured == null || configured.isBlank() ? List.of("kubectl") : List.of(configured)) {
            try {
                Process p = new ProcessBuilder(candidate, "version", "--client").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // not there
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return null;
    }

    /** A kubectl process with its own HOME (its cache stays in the test's folder) and these arguments. */
    public static ProcessBuilder command(String kubectl, Path home, String... args) throws IOException {
        Files.createDirectories(home);
        List<String> command = new ArrayList<>(List.of(kubectl));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("KUBECONFIG");
        return pb;
    }
}
