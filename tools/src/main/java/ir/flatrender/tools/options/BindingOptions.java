package ir.flatrender.tools.options;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** A job's bindings from the command line. */
public final class BindingOptions {
    @Option(names = "--set", paramLabel = "NAME=TEXT", description = "A text, colour or image binding; repeatable.")
    Map<String, String> texts = new LinkedHashMap<>();

    @Option(
            names = "--set-json",
            paramLabel = "NAME=JSON",
            description = "A binding given as JSON (numbers, …); repeatable.")
    Map<String, String> jsons = new LinkedHashMap<>();

    @Option(names = "--bindings", paramLabel = "FILE", description = "A JSON object of bindings.")
    Path bindingsFile;

    public Struct struct() throws IOException {
        Struct.Builder struct = Struct.newBuilder();
        if (bindingsFile != null) {
            JsonFormat.parser().merge(Files.readString(bindingsFile), struct);
        }
        texts.forEach((name, text) ->
                struct.putFields(name, Value.newBuilder().setStringValue(text).build()));
        for (var entry : jsons.entrySet()) {
            Value.Builder value = Value.newBuilder();
            try {
                JsonFormat.parser().merge(entry.getValue(), value);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalArgumentException("--set-json " + entry.getKey() + ": not JSON: " + entry.getValue());
            }
            struct.putFields(entry.getKey(), value.build());
        }
        return struct.build();
    }
}
