package ir.flatrender.gateway.console;

import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;

/** A query string's parameters, checked: a bad one is a 400 naming it. */
final class Queries {
    private Queries() {}

    /** 400 naming the parameter (a body's fields are a 422). */
    static Problem invalid(String name, String message) {
        return Problem.invalidQuery(java.util.List.of(new Problem.FieldError(name, message)));
    }

    static Optional<String> text(Context ctx, String name, int maxLength) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        if (value.length() > maxLength) {
            throw invalid(name, "must be at most " + maxLength + " characters");
        }
        return Optional.of(value.strip());
    }

    static Optional<UUID> uuid(Context ctx, String name) {
        return text(ctx, name, 36).map(value -> {
            try {
                return UUID.fromString(value);
            } catch (IllegalArgumentException e) {
                throw invalid(name, "must be a UUID");
            }
        });
    }

    static Optional<Instant> instant(Context ctx, String name) {
        return text(ctx, name, 40).map(value -> {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw invalid(name, "must be an ISO-8601 instant, 2026-12-01T00:00:00Z");
            }
        });
    }

    static int integer(Context ctx, String name, int min, int max, int fallback) {
        Optional<String> value = text(ctx, name, 12);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw invalid(name, "must be a whole number from " + min + " to " + max);
    }

    static com.google.protobuf.Timestamp timestamp(Instant instant) {
        return com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
