package io.labctl.agent.modules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretMaskTest {
    @Test
    void masksEveryOccurrenceLongestFirst() {
        SecretMask mask = new SecretMask(List.of("abc", "abcdef", ""));
        assertEquals("token=****** and ******, x", mask.mask("token=abcdef and abc, x"));
        assertNull(mask.mask(null));
    }

    @Test
    void masksAMultiLineSecretLineByLineAsADiffShowsIt() {
        String key = "-----BEGIN KEY-----\nMIIBVwIBADANBgkq\nhkiG9w0BAQEFAASC\n-----END KEY-----";
        SecretMask mask = new SecretMask(List.of(key));
        String diff = "--- /etc/k.pem\n+++ /etc/k.pem\n+MIIBVwIBADANBgkq\n+hkiG9w0BAQEFAASC\n";
        assertEquals("--- /etc/k.pem\n+++ /etc/k.pem\n+******\n+******\n", mask.mask(diff));
    }

    @Test
    void withoutSecretsTextIsUntouched() {
        assertEquals("same", new SecretMask(Arrays.asList((String) null)).mask("same"));
    }
}
