package io.labctl.bastion.tftp;

import static io.labctl.bastion.tftp.TestTftpClient.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NegotiatedOptionsTest {
    private final TftpSettings settings = TftpSettings.defaults().withMaxBlockSize(8192).withMaxWindowSize(32);

    @Test
    void noOptionsMeansPlainRfc1350() throws Exception {
        NegotiatedOptions n = NegotiatedOptions.negotiate(Map.of(), settings, 100, 65000);
        assertEquals(512, n.blockSize());
        assertEquals(1, n.windowSize());
        assertFalse(n.hasOack());
    }

    @Test
    void clampsToSettingsAndMtuAndAnswersTsize() throws Exception {
        NegotiatedOptions n = NegotiatedOptions.negotiate(
                options("tsize", "0", "blksize", "65464", "windowsize", "64", "timeout", "3", "foo", "bar"),
                settings, 12345, 1468);
        assertEquals(1468, n.blockSize(), "MTU cap wins over the configured 8192");
        assertEquals(32, n.windowSize());
        assertEquals(3000, n.timeoutMillis());
        assertEquals(Map.of("tsize", "12345", "blksize", "1468", "windowsize", "32", "timeout", "3"), n.oack(),
                "unknown option 'foo' is not acknowledged");
        assertEquals(8192, NegotiatedOptions.negotiate(options("blksize", "100000"), settings, 1, 65000).blockSize());
    }

    @Test
    void outOfRangeTimeoutIsIgnored() throws Exception {
        NegotiatedOptions n = NegotiatedOptions.negotiate(options("timeout", "0"), settings, 1, 1500);
        assertFalse(n.hasOack());
        assertEquals(settings.timeout().toMillis(), n.timeoutMillis());
    }

    @Test
    void badValuesFailNegotiationWithError8() {
        for (Map<String, String> bad : new Map[] {options("blksize", "7"), options("blksize", "abc"),
                options("windowsize", "0"), options("windowsize", "70000"), options("tsize", "-1"),
                options("blksize", "")}) {
            TftpException e = assertThrows(TftpException.class,
                    () -> NegotiatedOptions.negotiate(bad, settings, 1, 1500), bad::toString);
            assertEquals(TftpPacket.ERR_OPTION_NEGOTIATION, e.errorCode());
        }
    }

    @Test
    void settingsAreValidated() {
        TftpSettings d = TftpSettings.defaults();
        assertEquals(69, d.port());
        assertThrows(IllegalArgumentException.class, () -> d.withPort(70000));
        assertThrows(IllegalArgumentException.class, () -> d.withMaxBlockSize(7));
        assertThrows(IllegalArgumentException.class, () -> d.withMaxBlockSize(65465));
        assertThrows(IllegalArgumentException.class, () -> d.withMaxWindowSize(0));
        assertThrows(IllegalArgumentException.class, () -> d.withMaxConcurrentTransfers(0));
        assertThrows(IllegalArgumentException.class, () -> d.withTimeout(java.time.Duration.ZERO, 3));
    }
}
