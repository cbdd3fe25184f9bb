package io.labctl.web.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.labctl.api.ApiException;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns Jackson's failures to read a request body into the one error shape with a message for the user: which field,
 * what it should be. Jackson's own messages name Java classes, so they are never passed on; the exception goes along
 * as the cause, for the server log.
 */
final class BodyErrors {
    private BodyErrors() {}

    static ApiException missingBody() {
        return ApiException.badRequest("missing_body", "this request needs a JSON body; send a JSON object");
    }

    static ApiException of(JsonProcessingException e) {
        ApiException refusal = translate(e);
        refusal.initCause(e);
        return refusal;
    }

    private static ApiException translate(JsonProcessingException e) {
        if (e instanceof PropertyBindingException unknown) {
            return ApiException.badRequest("unknown_field", "unknown field '" + path(unknown) + "' in the request body;"
                    + " remove it" + known(unknown.getKnownPropertyIds()));
        }
        if (e instanceof ValueInstantiationException bad && bad.getCause() instanceof IllegalArgumentException cause
                && cause.getMessage() != null) {
            // a payload's own validation (a record's constructor) explains itself
            return ApiException.badRequest("invalid_field", where(bad) + cause.getMessage());
        }
        if (e instanceof ValueInstantiationException bad && bad.getCause() instanceof NullPointerException) {
            // a payload that copies its lists refuses null entries ({"allow": [null]})
            return ApiException.badRequest("invalid_field", where(bad)
                    + "the request body holds a null where a value is needed (a list entry, say); remove it");
        }
        if (e instanceof MismatchedInputException mismatch) {
            String field = path(mismatch);
            Class<?> target = mismatch.getTargetType();
            if (field.isEmpty()) {
                return ApiException.badRequest("invalid_json", "the request body must be " + expected(target));
            }
            return ApiException.badRequest("invalid_field", "field '" + field + "' must be " + expected(target));
        }
        if (e instanceof JsonParseException || !(e instanceof DatabindException)) {
            JsonLocation at = e.getLocation();
            return ApiException.badRequest("invalid_json", "request body is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + "; send a JSON object");
        }
        return ApiException.badRequest("invalid_json", where((JsonMappingException) e)
                + "the request body does not have the expected fields and values");
    }

    private static String where(JsonMappingException e) {
        String field = path(e);
        return field.isEmpty() ? "" : "field '" + field + "': ";
    }

    /** The field as a user would write it: labels.rack, allow[2]. */
    static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String known(Collection<Object> ids) {
        if (ids == null || ids.isEmpty()) {
            return "";
        }
        return "; the fields are " + String.join(", ", new TreeSet<>(ids.stream().map(String::valueOf).toList()));
    }

    /** What a JSON value of this Java type looks like, in words. */
    static String expected(Class<?> type) {
        if (type == null) {
            return "a value of another kind";
        }
        if (type.isPrimitive() ? type != boolean.class && type != char.class : Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class || type == char.class || type == Character.class) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(String::valueOf)
                    .collect(Collectors.joining(", "));
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "a time such as 2026-01-31T12:00:00Z";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "an object of string values";
        }
        return "an object";
    }
}
