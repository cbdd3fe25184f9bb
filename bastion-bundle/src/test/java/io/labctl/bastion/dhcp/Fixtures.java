package io.labctl.bastion.dhcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

final class Fixtures {
    private Fixtures() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/dhcp/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DhcpMessage message(String name) {
        byte[] b = bytes(name);
        try {
            return DhcpMessage.parse(b, b.length);
        } catch (DhcpFormatException e) {
            throw new AssertionError("fixture " + name + " does not parse: " + e.getMessage(), e);
        }
    }
}
