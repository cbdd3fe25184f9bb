package io.labctl.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.labctl.api.ApiException;
import io.labctl.protocol.EnrolRequest;
import io.labctl.protocol.RenewRequest;
import io.labctl.protocol.TokenSpec;
import io.labctl.protocol.provision.BootReport;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import java.io.ByteArrayInputStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Strict for what users send, tolerant for what machines on their own upgrade schedule send. */
class JsonBodyProviderTest {
    private final JsonBodyProvider provider = new JsonBodyProvider(64 * 1024);

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object read(Class<?> type, String json) throws Exception {
        return provider.readFrom((Class) type, type, new Annotation[0], MediaType.APPLICATION_JSON_TYPE,
                new MultivaluedHashMap<>(), new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aUsersRequestWithAnUnknownFieldIsRefused() {
        ApiException e = assertThrows(ApiException.class, () -> read(TokenSpec.class, "{\"server\":\"a\",\"ttl\":\"1h\"}"));
        assertEquals("unknown_field", e.code());
    }

    @Test
    void whatAgentsAndTheBastionSendMayCarryFieldsThisLabdDoesNotKnow() throws Exception {
        assertEquals("web-1", ((EnrolRequest) read(EnrolRequest.class,
                "{\"token\":\"t\",\"name\":\"web-1\",\"csr\":\"c\",\"addedLater\":true}")).name());
        assertEquals("c", ((RenewRequest) read(RenewRequest.class, "{\"csr\":\"c\",\"addedLater\":1}")).csr());
        assertEquals("52:54:00:00:00:01", ((BootReport) read(BootReport.class,
                "{\"mac\":\"52:54:00:00:00:01\",\"facts\":{},\"addedLater\":[]}")).mac());
    }
}
