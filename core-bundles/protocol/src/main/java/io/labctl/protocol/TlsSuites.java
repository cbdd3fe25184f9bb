package io.labctl.protocol;

import java.util.List;

/**
 * The TLS cipher suites labd accepts (AEAD with forward secrecy only), in two orders. labd takes the first suite of the
 * client's list that it accepts, so each client asks for the one that is cheap in its own JVM: with C2 the JDK runs
 * AES-GCM on the CPU's AES and carry-less multiply instructions (about 4 GB/s here), but a C1-only JVM (lab-agent, a
 * one-shot labctl) runs it in plain Java (about 40 MB/s), where ChaCha20-Poly1305 does about 185 MB/s (bench/RESULTS.md).
 */
public final class TlsSuites {
    private TlsSuites() {}

    /** For JVMs with C2: labd and a labctl session. */
    public static final List<String> AES_GCM_FIRST = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");

    /** For C1-only JVMs: lab-agent (kept lean: bin/lab-agent) and a one-shot labctl (the launcher's flags). */
    public static final List<String> CHACHA20_FIRST = List.of(
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
}
