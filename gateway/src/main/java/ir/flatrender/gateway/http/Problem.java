package ir.flatrender.gateway.http;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * An error answered as {@code application/problem+json} (RFC 9457): a status, a type URI
 * naming the kind of problem, a title for people, a detail about this occurrence, and for
 * validation errors the fields that were wrong.
 */
public final class Problem extends RuntimeException {
    /** Where the problem types are documented (the gateway's OpenAPI document lists them). */
    public static final String TYPES = "https://flatrender.ir/problems/";

    /** One invalid field: a JSON pointer-like name and what is wrong with it. */
    public record FieldError(String field, String message) {
        public FieldError {
            requireNonNull(field, "field is null");
            requireNonNull(message, "message is null");
        }
    }

    private final int status;
    private final String type;
    private final String title;
    private final List<FieldError> errors;
    private final Map<String, String> headers;

    private Problem(
            int status,
            String type,
            String title,
            String detail,
            List<FieldError> errors,
            Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.type = requireNonNull(type, "type is null");
        this.title = requireNonNull(title, "title is null");
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    public static Problem of(int status, String type, String title, String detail) {
        return new Problem(status, type, title, detail, List.of(), Map.of());
    }

    public static Problem validation(String detail, List<FieldError> errors) {
        return new Problem(422, "validation", "The request has invalid fields", detail, errors, Map.of());
    }

    /** 400: query parameters that are wrong, each named (a body's fields are a 422, {@link #validation}). */
    public static Problem invalidQuery(List<FieldError> errors) {
        String detail = errors.stream()
                .map(e -> e.field() + ": " + e.message())
                .collect(java.util.stream.Collectors.joining("; "));
        return new Problem(400, "invalid-query", "The query has invalid parameters", detail, errors, Map.of());
    }

    public static Problem invalidField(String field, String message) {
        return validation(field + ": " + message, List.of(new FieldError(field, message)));
    }

    public static Problem malformed(String detail) {
        return of(400, "malformed-request", "The request body is not valid JSON", detail);
    }

    public static Problem unauthorized(String detail) {
        return new Problem(
                401,
                "unauthorized",
                "Authentication is required",
                detail,
                List.of(),
                Map.of("WWW-Authenticate", "Bearer realm=\"flatrender\""));
    }

    public static Problem forbidden(String detail) {
        return of(403, "forbidden", "Not allowed", detail);
    }

    /** Also for another tenant's ids: they do not exist for the caller. */
    public static Problem notFound(String what) {
        return of(404, "not-found", "Not found", what + " does not exist");
    }

    public static Problem conflict(String type, String detail) {
        return of(409, type, "Conflict", detail);
    }

    public static Problem tooMany(String detail, long retryAfterSeconds) {
        return new Problem(
                429,
                "rate-limited",
                "Too many requests",
                detail,
                List.of(),
                Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))));
    }

    /** 503: the gateway is at a bound of its own; the client may try again after the delay. */
    public static Problem busy(String detail, long retryAfterSeconds) {
        return new Problem(
                503,
                "busy",
                "Service busy",
                detail,
                List.of(),
                Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))));
    }

    public static Problem unavailable(String detail) {
        return new Problem(503, "unavailable", "Service unavailable", detail, List.of(), Map.of("Retry-After", "5"));
    }

    public int status() {
        return status;
    }

    public String type() {
        return TYPES + type;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
