package ir.flatrender.orchestrator.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.errors.FieldViolation;
import ir.flatrender.orchestrator.jobs.AudioTrackSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A template's own sound, from its manifest's {@code audio} list, with the job's bindings put
 * in: {@code [{"source": "{{music}}", "volume": "{{music_volume}}"}]}. An entry whose source
 * binds to nothing (an optional audio binding left empty) is dropped.
 */
public final class TemplateAudio {
    private static final Pattern WHOLE = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    private TemplateAudio() {}

    public static List<AudioTrackSpec> resolve(
            TemplateManifest manifest, ObjectNode bindings, List<FieldViolation> problems) {
        List<AudioTrackSpec> tracks = new ArrayList<>();
        JsonNode audio = manifest.raw().path("audio");
        for (int i = 0; i < audio.size(); i++) {
            JsonNode entry = audio.get(i);
            String path = "template audio[" + i + "]";
            JsonNode source = bind(entry.path("source"), bindings);
            JsonNode volume = bind(entry.path("volume"), bindings);
            if (!source.isTextual()) {
                problems.add(new FieldViolation(path + ".source", "must be a file of the package or an audio binding"));
                continue;
            }
            if (source.asText().isEmpty()) {
                continue;
            }
            double level = volume.isMissingNode() ? 1.0 : volume.asDouble(Double.NaN);
            if (!(level >= 0 && level <= 2)) {
                problems.add(new FieldViolation(path + ".volume", "must be a number from 0 to 2"));
                continue;
            }
            tracks.add(new AudioTrackSpec(
                    "template",
                    source.asText(),
                    level,
                    entry.path("startSeconds").asDouble(0)));
        }
        return tracks;
    }

    /**
     * Checks a manifest's {@code audio} list at push, so that a bad entry is refused then rather
     * than failing every job at assembly: fixed sources must be audio files of the package,
     * fixed volumes from 0 to 2, start times not negative. Sources and volumes given as
     * {@code {{binding}}} are checked with each job's bindings.
     */
    public static void check(TemplateManifest manifest, java.util.Set<String> files) {
        List<FieldViolation> problems = new ArrayList<>();
        JsonNode audio = manifest.raw().path("audio");
        for (int i = 0; i < audio.size(); i++) {
            JsonNode entry = audio.get(i);
            String path = "audio[" + i + "]";
            JsonNode source = entry.path("source");
            if (!source.isTextual() || source.asText().isEmpty()) {
                problems.add(new FieldViolation(path + ".source", "must be a file of the package or an audio binding"));
            } else if (!WHOLE.matcher(source.asText()).matches()) {
                BindingsValidator.checkAudioSource(source.asText(), files, path + ".source", problems);
            }
            JsonNode volume = entry.path("volume");
            if (!volume.isMissingNode()
                    && !(volume.isTextual() && WHOLE.matcher(volume.asText()).matches())) {
                double level = volume.isNumber() ? volume.asDouble() : Double.NaN;
                if (!(level >= 0 && level <= 2)) {
                    problems.add(new FieldViolation(path + ".volume", "must be a number from 0 to 2 or a binding"));
                }
            }
            JsonNode start = entry.path("startSeconds");
            if (!start.isMissingNode() && !(start.isNumber() && start.asDouble() >= 0)) {
                problems.add(new FieldViolation(path + ".startSeconds", "must be a number of seconds, not negative"));
            }
        }
        if (!problems.isEmpty()) {
            throw FarmException.invalid("template.json is not valid", problems);
        }
    }

    private static JsonNode bind(JsonNode value, ObjectNode bindings) {
        if (value.isTextual()) {
            Matcher matcher = WHOLE.matcher(value.asText());
            if (matcher.matches()) {
                JsonNode bound = bindings.get(matcher.group(1));
                return bound == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : bound;
            }
        }
        return value;
    }
}
