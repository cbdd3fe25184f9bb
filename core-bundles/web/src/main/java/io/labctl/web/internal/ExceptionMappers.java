package io.labctl.web.internal;

import io.labctl.api.ApiException;
import io.labctl.protocol.ApiError;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.security.cert.X509Certificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failure leaves as an {@link io.labctl.protocol.ApiError}: the three mappers below cover the project's
 * own errors, JAX-RS's (404, 405, 415 ...) and everything unexpected (500, logged, never a stack trace out).
 * Instances are created per Jersey reload, so their injected proxies always belong to the live application.
 */
final class ExceptionMappers {
    private ExceptionMappers() {}

    static Object[] all(Unidentified unidentified) {
        return new Object[] {new ApiExceptionMapper(unidentified), new WebApplicationExceptionMapper(unidentified),
                new UnexpectedExceptionMapper()};
    }

    abstract static class RequestAware {
        @Context
        HttpServletRequest request;

        String requestId() {
            Object id = request == null ? null : request.getAttribute(RequestIds.ATTRIBUTE);
            return id == null ? null : id.toString();
        }

        X509Certificate[] chain() {
            Object c = request == null ? null : request.getAttribute(EnforcementPoint.CERTIFICATES_PROPERTY);
            return c instanceof X509Certificate[] chain ? chain : null;
        }

        String source() {
            Object a = request == null ? null : request.getAttribute(RequestIds.REMOTE_ADDRESS_ATTRIBUTE);
            return a == null ? null : a.toString();
        }

        String what() {
            return request == null ? "?" : request.getMethod() + " " + request.getRequestURI();
        }
    }

    static final class ApiExceptionMapper extends RequestAware implements ExceptionMapper<ApiException> {
        private static final Logger LOG = LoggerFactory.getLogger(ApiExceptionMapper.class);
        private final Unidentified unidentified;

        ApiExceptionMapper(Unidentified unidentified) {
            this.unidentified = unidentified;
        }

        @Override
        public Response toResponse(ApiException e) {
            if (e.getCause() != null) {
                // the user sees the plain message; the detail behind it (a parser's, say) is for the log
                LOG.info("request {} refused with {}: {}", requestId(), e.code(), e.getCause().toString());
            }
            if (JsonBodyProvider.MALFORMED_BODY.equals(e.code())) {
                // a broken body comes before any handler (and its audit row) runs; anyone can send one: rate-limited
                unidentified.record(Unidentified.claimedUser(chain()), source(), "request.malformed",
                        what(), e.getMessage());
            }
            Response response = Errors.response(e.status(), e.code(), e.getMessage(), requestId());
            if (e.status() == 413) {
                // the rest of the body was not read: the connection cannot carry another request, and a client
                // that reused it would see it reset
                return Response.fromResponse(response).header("Connection", "close").build();
            }
            return response;
        }
    }

    static final class WebApplicationExceptionMapper extends RequestAware implements ExceptionMapper<WebApplicationException> {
        private final Unidentified unidentified;

        WebApplicationExceptionMapper(Unidentified unidentified) {
            this.unidentified = unidentified;
        }

        @Override
        public Response toResponse(WebApplicationException e) {
            Response original = e.getResponse();
            if (original.hasEntity()) {
                return original; // a resource chose its own body
            }
            int status = original.getStatus();
            if (status == 404 || status == 405) {
                // without a certificate labd accepts every path is refused alike, so none can be probed anonymously
                PeerVerifier.Refusal refusal = unidentified.refuse(chain(), source(), "request", what());
                if (refusal != null) {
                    return Errors.response(401, refusal.code, refusal.message, requestId());
                }
            }
            // keep headers such as Allow (405), replace the body with the one error shape
            return Response.fromResponse(original).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError(Errors.codeFor(status), messageFor(status, e), requestId()))
                    .build();
        }

        private String messageFor(int status, WebApplicationException e) {
            return switch (status) {
                case 404 -> "no such route" + (request == null ? "" : ": " + request.getMethod() + " " + request.getRequestURI());
                case 405 -> "method not allowed on this route";
                case 406 -> "cannot produce the requested media type; accept application/json";
                case 415 -> "unsupported media type; send application/json";
                default -> e.getMessage();
            };
        }
    }

    static final class UnexpectedExceptionMapper extends RequestAware implements ExceptionMapper<Throwable> {
        private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

        @Override
        public Response toResponse(Throwable e) {
            String id = requestId();
            // an ApiException wrapped on its way out (e.g. the database went away under a library) keeps its answer
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof ApiException api) {
                    LOG.warn("request {} failed: {}", id, e.toString());
                    return Errors.response(api.status(), api.code(), api.getMessage(), id);
                }
            }
            LOG.error("request {} failed", id, e);
            return Errors.response(500, "internal_error",
                    "internal error in labd; give request id " + id + " to an administrator to find it in the log", id);
        }
    }
}
