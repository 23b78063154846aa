package ir.flatrender.tools.admin;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code --output table|json}. JSON is the answer's protobuf message in proto3's JSON form,
 * with the {@code .proto} field names and every field present: stable for scripts, and
 * documented by the message in {@code proto/}.
 */
public final class Output {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final JsonFormat.Printer JSON =
            JsonFormat.printer().preservingProtoFieldNames().includingDefaultValueFields();

    public enum Format {
        table,
        json
    }

    @Option(
            names = {"-o", "--output"},
            defaultValue = "table",
            description =
                    "table (for people) or json (for scripts: the answer's proto message) (default: ${DEFAULT-VALUE}).")
    Format format = Format.table;

    public boolean json() {
        return format == Format.json;
    }

    /** Prints the message as JSON, or the table. */
    public void print(PrintWriter out, MessageOrBuilder message, Table table) {
        if (json()) {
            out.println(json(message));
        } else {
            table.print(out);
        }
        out.flush();
    }

    public static String json(MessageOrBuilder message) {
        try {
            return JSON.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** A timestamp for a table: UTC to the second, or "-" when unset. */
    public static String time(Timestamp timestamp) {
        if (timestamp.getSeconds() == 0 && timestamp.getNanos() == 0) {
            return "-";
        }
        return TIME.format(Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()));
    }

    /** Bytes for people: 1.5 MiB. */
    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** The lower-case name of a proto enum value without its prefix: JOB_STATE_RUNNING → running. */
    public static String state(Enum<?> value, String prefix) {
        return value.name().startsWith(prefix)
                ? value.name().substring(prefix.length()).toLowerCase(Locale.ROOT)
                : value.name().toLowerCase(Locale.ROOT);
    }
}
