package ir.flatrender.tools.options;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** Reads durations as people write them: {@code 500ms}, {@code 15s}, {@code 2m}, {@code 1h}, {@code 90d}, or ISO {@code PT15S}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (text.startsWith("pt")) {
                return Duration.parse(text.toUpperCase(Locale.ROOT));
            }
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            return switch (text.charAt(text.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default ->
                    throw new CommandLine.TypeConversionException(
                            "'" + value + "' is not a duration such as 15s, 500ms, 2m or 90d");
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException | java.time.format.DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 15s, 500ms or 2m");
        }
    }
}
