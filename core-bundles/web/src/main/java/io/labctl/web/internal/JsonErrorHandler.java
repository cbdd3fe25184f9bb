package io.labctl.web.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself (no such context, headers too large, malformed requests) in the same JSON shape as
 * the REST API, with a request id and never a stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {
    JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
        setShowOrigin(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        String requestId = RequestIds.of(request);
        String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(RequestIds.HEADER, requestId);
        response.write(true, ByteBuffer.wrap(Errors.jsonBytes(Errors.codeFor(code), text, requestId)), callback);
    }
}
