package io.labctl.web.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself (no such context, headers too large, malformed requests) in the same JSON shape as
 * the REST API, with a request id and never a stack trace. A path that does not exist answers a caller labd cannot
 * identify with the same 401 as every route, and malformed requests are audited (rate-limited: anyone can send them).
 */
final class JsonErrorHandler extends ErrorHandler {
    private final Unidentified unidentified;

    JsonErrorHandler(Unidentified unidentified) {
        this.unidentified = unidentified;
        setShowStacks(false);
        setShowCauses(false);
        setShowOrigin(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        String requestId = RequestIds.of(request);
        String source = Request.getRemoteAddr(request);
        EndPoint.SslSessionData tls = (EndPoint.SslSessionData) request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        X509Certificate[] chain = tls == null ? null : tls.peerCertificates();
        String what = request.getMethod() + " " + request.getHttpURI().getPathQuery();
        if (code == HttpStatus.NOT_FOUND_404 || code == HttpStatus.METHOD_NOT_ALLOWED_405) {
            PeerVerifier.Refusal refusal = unidentified.refuse(chain, source, "request", what);
            if (refusal != null) {
                code = HttpStatus.UNAUTHORIZED_401;
                response.setStatus(code);
                write(response, requestId, refusal.code, refusal.message, callback);
                return;
            }
        } else if (code == HttpStatus.BAD_REQUEST_400) {
            unidentified.record(Unidentified.claimedUser(chain), source, "request.malformed", what,
                    message == null || message.isBlank() ? HttpStatus.getMessage(code) : message);
        }
        String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
        write(response, requestId, Errors.codeFor(code), text, callback);
    }

    private static void write(Response response, String requestId, String code, String text, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(RequestIds.HEADER, requestId);
        response.write(true, ByteBuffer.wrap(Errors.jsonBytes(code, text, requestId)), callback);
    }
}
