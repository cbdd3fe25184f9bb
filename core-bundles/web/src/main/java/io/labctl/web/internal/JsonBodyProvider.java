package io.labctl.web.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.labctl.api.ApiException;
import io.labctl.protocol.Api;
import io.labctl.protocol.Json;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.MessageBodyWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * application/json in and out through the project's one mapping ({@link Json#json()}), so the container's shared
 * Jackson is used and no Jersey media module is needed. Bodies above {@link Api#MAX_BODY_BYTES} are refused with
 * 413 without being read further.
 */
@Produces({MediaType.APPLICATION_JSON, "application/*+json"})
@Consumes({MediaType.APPLICATION_JSON, "application/*+json"})
final class JsonBodyProvider implements MessageBodyReader<Object>, MessageBodyWriter<Object> {
    /**
     * Strict on what clients send (unlike {@link Json#json()}): an unknown field is refused, since a misspelt one
     * would otherwise be dropped and its default used. Payloads that machines upgraded on their own schedule send
     * (agents, the bastion) stay tolerant with {@code @JsonIgnoreProperties(ignoreUnknown = true)}.
     */
    private static final ObjectReader READER = Json.json().reader().without(JsonParser.Feature.AUTO_CLOSE_SOURCE)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectWriter WRITER = Json.json().writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private final long maxBodyBytes;

    JsonBodyProvider(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    private static boolean isJson(MediaType mediaType) {
        return mediaType != null && "application".equalsIgnoreCase(mediaType.getType())
                && ("json".equalsIgnoreCase(mediaType.getSubtype()) || mediaType.getSubtype().toLowerCase().endsWith("+json"));
    }

    /** Raw bodies keep Jersey's own providers, so a String is not JSON-quoted and streams are not buffered. */
    private static boolean isRaw(Class<?> type) {
        return type == String.class || type == byte[].class || InputStream.class.isAssignableFrom(type)
                || Reader.class.isAssignableFrom(type) || StreamingOutput.class.isAssignableFrom(type);
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return isJson(mediaType) && !isRaw(type);
    }

    /** The error code of a body that could not be read at all (as opposed to one that is not valid JSON). */
    static final String MALFORMED_BODY = "malformed_body";

    @Override
    public Object readFrom(Class<Object> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                           MultivaluedMap<String, String> headers, InputStream entity) throws IOException {
        String declaredLength = headers.getFirst(HttpHeaders.CONTENT_LENGTH);
        if (declaredLength != null) {
            long declared;
            try {
                declared = Long.parseLong(declaredLength.trim());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("bad_content_length", "Content-Length is not a number");
            }
            if (declared > maxBodyBytes) {
                // nothing read yet: the whole body when it is within twice the limit, as for a body read up to it
                throw tooLarge(entity, declared <= 2 * maxBodyBytes ? declared : maxBodyBytes);
            }
        }
        try {
            PushbackInputStream body = new PushbackInputStream(new BoundedInputStream(entity, maxBodyBytes), 1);
            int first = body.read();
            if (first < 0) {
                throw BodyErrors.missingBody();
            }
            body.unread(first);
            Object value = READER.forType(Json.json().getTypeFactory().constructType(genericType)).readValue(body);
            if (value == null) {
                throw BodyErrors.missingBody();  // a body of just "null"
            }
            return value;
        } catch (BodyTooLarge e) {
            throw tooLarge(entity, maxBodyBytes);
        } catch (JsonProcessingException e) {
            if (causedByTooLarge(e)) {
                throw tooLarge(entity, maxBodyBytes);
            }
            throw BodyErrors.of(e);
        } catch (IOException | org.eclipse.jetty.http.BadMessageException e) {
            // Jetty could not decode the body (broken chunked encoding, cut short): the client's fault, not labd's
            throw ApiException.badRequest(MALFORMED_BODY, "the request body could not be read: it is cut short or "
                    + "its chunked encoding is broken; send the whole body, with a Content-Length or valid chunked "
                    + "encoding");
        }
    }

    /**
     * Reads and drops up to {@code drain} more bytes of the body first, so that a body of up to twice the limit is
     * read whole: clients that send the whole body before reading (the JDK's among them) then see the 413, where
     * closing on unread data would reset the connection and lose it. Anything bigger is cut off.
     */
    private ApiException tooLarge(InputStream entity, long drain) {
        try {
            long left = drain;
            byte[] sink = new byte[8192];
            for (int n; left > 0 && (n = entity.read(sink, 0, (int) Math.min(sink.length, left))) >= 0; ) {
                left -= n;
            }
        } catch (IOException e) {
            // the peer went away: the 413 has nobody to reach, nothing else to do
        }
        return new ApiException(413, "body_too_large",
                "request body is larger than the limit of " + maxBodyBytes + " bytes");
    }

    private static boolean causedByTooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLarge) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return isJson(mediaType) && !isRaw(type);
    }

    @Override
    public void writeTo(Object value, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                        MultivaluedMap<String, Object> headers, OutputStream entity) throws IOException {
        WRITER.writeValue(entity, value);
    }

    /** Thrown by the bounded stream; an IOException so Jackson passes it through unchanged. */
    static final class BodyTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLarge() {
            super("request body too large", null);
        }
    }

    /** Counts what is read and stops at the limit, whatever Content-Length said (or chunked bodies, which say nothing). */
    static final class BoundedInputStream extends FilterInputStream {
        private final long limit;
        private long count;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        private void count(long n) throws BodyTooLarge {
            count += n;
            if (count > limit) {
                throw new BodyTooLarge();
            }
        }
    }
}
