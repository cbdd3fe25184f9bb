package io.labctl.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectAltNamesTest {
    @Test
    void defaultsCoverLoopbackAndTheSpecificListenAddress() {
        List<String> names = WebServer.subjectAltNames("", "10.1.2.3", "");
        assertTrue(names.containsAll(List.of("localhost", "127.0.0.1", "::1", "10.1.2.3")), names.toString());
    }

    @Test
    void wildcardListenAddressIsNotACertificateName() {
        List<String> names = WebServer.subjectAltNames("", "0.0.0.0", "");
        assertTrue(!names.contains("0.0.0.0"), names.toString());
    }

    @Test
    void configuredListIsUsedAsGivenPlusTheAdvertisedHost() {
        assertEquals(List.of("labd.example.org", "10.0.0.5", "lb.example.org"),
                WebServer.subjectAltNames(" labd.example.org, 10.0.0.5 ,,", "0.0.0.0", "https://lb.example.org:443/"));
        assertEquals(List.of("a", "fd00::1"), WebServer.subjectAltNames("a", "", "https://[fd00::1]:8443"));
    }
}
