package ir.flatrender.orchestrator.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.errors.FieldViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A template's own sound, from its manifest's {@code audio} list, with the job's bindings put
 * in: {@code [{"source": "{{music}}", "volume": "{{music_volume}}"}]}. An entry whose source
 * binds to nothing (an optional audio binding left empty) is dropped.
 */
public final class TemplateAudio {
    public static final int MAX_REQUEST_TRACKS = 8;
    private static final Set<String> REQUEST_ROLES = Set.of("music", "voiceover", "sfx");
    private static final Pattern WHOLE = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    private TemplateAudio() {}

    /**
     * Checks the audio tracks a render request adds to the template's own: at most {@value
     * #MAX_REQUEST_TRACKS}, each with a known role, a source as {@link
     * BindingsValidator#checkAudioSource} takes it, a volume from 0 to 2 and a start within the video.
     */
    public static void checkRequestTracks(
            List<AudioTrackSpec> tracks, double seconds, Set<String> files, List<FieldViolation> problems) {
        if (tracks.size() > MAX_REQUEST_TRACKS) {
            problems.add(new FieldViolation("audio", "at most " + MAX_REQUEST_TRACKS + " tracks"));
        }
        for (int i = 0; i < tracks.size(); i++) {
            AudioTrackSpec track = tracks.get(i);
            String path = "audio[" + i + "]";
            if (!REQUEST_ROLES.contains(track.role())) {
                problems.add(new FieldViolation(path + ".role", "must be music, voiceover or sfx"));
            }
            BindingsValidator.checkAudioSource(track.source(), files, path + ".source", problems);
            if (!(track.volume() >= 0 && track.volume() <= 2)) {
                problems.add(new FieldViolation(path + ".volume", "must be from 0 to 2"));
            }
            if (!(track.startSeconds() >= 0 && track.startSeconds() < seconds)) {
                problems.add(
                        new FieldViolation(path + ".start_seconds", "must be within the video (0 to " + seconds + ")"));
            }
        }
    }

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
    public static void check(TemplateManifest manifest, Set<String> files) {
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
