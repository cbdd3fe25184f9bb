package io.labctl.web.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.Json;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;

/** Builds the one error shape on the wire ({@link ApiError}) for JAX-RS and for plain Jetty responses. */
final class Errors {
    private Errors() {}

    static Response response(int status, String code, String message, String requestId) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(code, message, requestId)).build();
    }

    static byte[] jsonBytes(String code, String message, String requestId) {
        try {
            return Json.json().writeValueAsBytes(new ApiError(code, message, requestId));
        } catch (JsonProcessingException e) {
            // an ApiError of three strings always serialises; keep a valid body if it ever does not
            return ("{\"code\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** A stable snake_case code for an HTTP status that carries no code of its own. */
    static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 408 -> "request_timeout";
            case 413 -> "body_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 431 -> "headers_too_large";
            case 500 -> "internal_error";
            case 503 -> "unavailable";
            default -> "http_" + status;
        };
    }
}
