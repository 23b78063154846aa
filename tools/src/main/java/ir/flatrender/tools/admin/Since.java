package ir.flatrender.tools.admin;

import com.google.protobuf.Timestamp;
import ir.flatrender.tools.options.DurationConverter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;

/** {@code --since}: a time ago (30m, 2h, 7d) or an ISO-8601 instant (2026-12-01T08:00:00Z). */
public final class Since implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) throws Exception {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return Instant.now().minus(new DurationConverter().convert(value));
        }
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
