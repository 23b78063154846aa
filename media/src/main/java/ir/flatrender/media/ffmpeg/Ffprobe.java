package ir.flatrender.media.ffmpeg;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSpec;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.media.process.SupervisedProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads a media file's streams with ffprobe, optionally decoding it to count the frames. */
public final class Ffprobe {
    private static final Duration DEADLINE = Duration.ofMinutes(10);
    private static final Duration NO_PROGRESS = Duration.ofMinutes(2);

    private final FfmpegBinaries binaries;
    private final ProcessSupervisor supervisor;
    private final ObjectMapper json;

    public Ffprobe(FfmpegBinaries binaries, ProcessSupervisor supervisor, ObjectMapper json) {
        this.binaries = requireNonNull(binaries, "binaries is null");
        this.supervisor = requireNonNull(supervisor, "supervisor is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** How a probe counts a video's frames. */
    public enum FrameCount {
        /** What the container's header says (MPEG-TS says nothing: -1). */
        HEADER,
        /** The video packets, read without decoding: one a frame for the codecs the farm writes. */
        PACKETS,
        /** Decoding every frame. */
        DECODED
    }

    /**
     * Probes a file.
     *
     * @param countFrames decode the video to count its frames, rather than trusting the header
     */
    public MediaInfo probe(Path file, boolean countFrames) throws MediaException {
        return probe(file, countFrames ? FrameCount.DECODED : FrameCount.HEADER);
    }

    /** Probes a file, counting its video frames as {@code count} says. */
    public MediaInfo probe(Path file, FrameCount count) throws MediaException {
        requireNonNull(file, "file is null");
        requireNonNull(count, "count is null");
        List<String> arguments = new ArrayList<>(List.of("-v", "error"));
        switch (count) {
            case DECODED -> arguments.add("-count_frames");
            case PACKETS -> arguments.add("-count_packets");
            case HEADER -> {}
        }
        arguments.addAll(List.of(
                "-show_entries",
                "format=format_name,duration:stream=codec_type,codec_name,width,height,pix_fmt,nb_frames,"
                        + "nb_read_frames,nb_read_packets,avg_frame_rate,sample_rate,channels,duration",
                "-of",
                "json",
                file.toAbsolutePath().toString()));
        return parse(run(file, arguments));
    }

    /** What {@link #probeWithVideoPacketTimes} read: the file, and its first video stream's packet times. */
    public record ProbedVideo(MediaInfo info, List<Double> videoPacketTimes) {
        public ProbedVideo {
            requireNonNull(info, "info is null");
            videoPacketTimes = List.copyOf(videoPacketTimes);
        }
    }

    /**
     * One ffprobe run for what {@link #probe(Path, FrameCount)} with {@link FrameCount#PACKETS}
     * and a read of the video packets' times would take in two: the streams (frames counted by packet)
     * and the first video stream's packet times, in file order, without decoding.
     */
    public ProbedVideo probeWithVideoPacketTimes(Path file) throws MediaException {
        requireNonNull(file, "file is null");
        byte[] output = run(
                file,
                List.of(
                        "-v",
                        "error",
                        "-count_packets",
                        "-show_entries",
                        "format=format_name,duration:stream=index,codec_type,codec_name,width,height,pix_fmt,"
                                + "nb_frames,nb_read_frames,nb_read_packets,avg_frame_rate,sample_rate,channels,"
                                + "duration:packet=stream_index,pts_time",
                        "-of",
                        "json",
                        file.toAbsolutePath().toString()));
        JsonNode root;
        try {
            root = json.readTree(output);
        } catch (IOException e) {
            throw new MediaException("ffprobe printed something that is not JSON", e);
        }
        MediaInfo info = parse(root);
        int videoIndex = -1;
        for (JsonNode stream : root.path("streams")) {
            if (stream.path("codec_type").asText().equals("video")) {
                videoIndex = stream.path("index").asInt(-1);
                break;
            }
        }
        List<Double> times = new ArrayList<>();
        for (JsonNode packet : root.path("packets")) {
            if (packet.path("stream_index").asInt(-2) == videoIndex) {
                time(packet).ifPresent(times::add);
            }
        }
        return new ProbedVideo(info, times);
    }

    private static Optional<Double> time(JsonNode packet) {
        JsonNode pts = packet.path("pts_time");
        if (pts.isTextual() || pts.isNumber()) {
            try {
                return Optional.of(Double.parseDouble(pts.asText()));
            } catch (NumberFormatException e) {
                // A packet without a time (rare in these files) places no frame.
            }
        }
        return Optional.empty();
    }

    private List<Double> packetTimes(byte[] output) throws MediaException {
        JsonNode root;
        try {
            root = json.readTree(output);
        } catch (IOException e) {
            throw new MediaException("ffprobe printed something that is not JSON", e);
        }
        List<Double> times = new ArrayList<>();
        for (JsonNode packet : root.path("packets")) {
            time(packet).ifPresent(times::add);
        }
        return times;
    }

    private byte[] run(Path file, List<String> arguments) throws MediaException {
        return run(file.toAbsolutePath().getParent(), file.getFileName().toString(), arguments, null)
                .stdout();
    }

    /**
     * Decodes every frame of a video segment's first video stream once and reports what an
     * upload check needs: the frame count, size and codec, the colour tags, each packet's
     * presentation time, and every error the decoder printed. ffprobe counts a frame it
     * decoded with errors (a smeared macroblock) like any other, so a count alone does not
     * show damage: the decoder's own complaints do.
     */
    public SegmentInspection inspectSegment(Path file) throws MediaException {
        return inspectSegment(file, FrameCount.DECODED);
    }

    /**
     * Inspects a video segment as {@link #inspectSegment(Path)} does, decoding it only when
     * {@code count} is {@link FrameCount#DECODED}: read by its {@link FrameCount#PACKETS} (a
     * tenth of the time at 1080p), the frames are counted by packet and no decoder error can be
     * reported — what a cheap check on upload reads, before a full decode elsewhere.
     */
    public SegmentInspection inspectSegment(Path file, FrameCount count) throws MediaException {
        requireNonNull(file, "file is null");
        if (count == FrameCount.HEADER) {
            throw new IllegalArgumentException("a segment is inspected by its packets or decoded, not by its header");
        }
        Run run = run(
                file.toAbsolutePath().getParent(),
                file.getFileName().toString(),
                List.of(
                        "-v",
                        "error",
                        // ffprobe's decoder runs one thread unless told (0: one per core); the
                        // decode that ends a job, its last segment's, has the machine to itself.
                        "-threads",
                        "0",
                        count == FrameCount.DECODED ? "-count_frames" : "-count_packets",
                        "-select_streams",
                        "v:0",
                        "-show_entries",
                        "format=format_name,duration:stream=codec_type,codec_name,width,height,pix_fmt,nb_frames,"
                                + "nb_read_frames,nb_read_packets,avg_frame_rate,color_space,color_range,color_primaries,"
                                + "color_transfer:packet=pts_time",
                        "-of",
                        "json",
                        file.toAbsolutePath().toString()),
                null);
        MediaInfo info = parse(run.stdout());
        JsonNode root;
        try {
            root = json.readTree(run.stdout());
        } catch (IOException e) {
            throw new MediaException("ffprobe printed something that is not JSON", e);
        }
        JsonNode stream = root.path("streams").path(0);
        SegmentInspection.Colour colour = new SegmentInspection.Colour(
                stream.path("color_space").asText(""),
                stream.path("color_range").asText(""),
                stream.path("color_primaries").asText(""),
                stream.path("color_transfer").asText(""));
        return new SegmentInspection(
                info, colour, packetTimes(run.stdout()), run.outcome().logTail());
    }

    /** Writes what ffprobe reads on its standard input. */
    @FunctionalInterface
    public interface StdinWriter {
        void writeTo(OutputStream stdin) throws IOException;
    }

    /**
     * The presentation times of the video packets of a stream written to ffprobe's input (e.g.
     * MPEG-TS segments back to back), in input order, as the container has them: no
     * discontinuity is smoothed over.
     */
    public List<Double> videoPacketTimes(Path workDirectory, String format, StdinWriter input) throws MediaException {
        requireNonNull(input, "input is null");
        byte[] output = run(
                        workDirectory,
                        "its input",
                        List.of(
                                "-v",
                                "error",
                                "-f",
                                format,
                                "-select_streams",
                                "v:0",
                                "-show_entries",
                                "packet=pts_time",
                                "-of",
                                "json",
                                "pipe:0"),
                        input)
                .stdout();
        return packetTimes(output);
    }

    /** What ffprobe printed on its standard output, and how it ended (its stderr in the log tail). */
    private record Run(byte[] stdout, ProcessOutcome outcome) {}

    private Run run(Path directory, String what, List<String> arguments, StdinWriter input) throws MediaException {
        ProcessSpec spec = ProcessSpec.of("ffprobe", binaries.ffprobeCommand(arguments), directory)
                .withEnvironment(binaries.environment())
                .withRawStdout()
                .withLimits(DEADLINE, NO_PROGRESS, true);
        if (input != null) {
            spec = spec.withStdin();
        }
        byte[] output;
        ProcessOutcome outcome;
        try {
            SupervisedProcess process = supervisor.start(spec);
            Thread writer = null;
            if (input != null) {
                // Written from its own thread while this one reads, so neither pipe fills up.
                writer = new Thread(
                        () -> {
                            try (OutputStream stdin = process.stdin()) {
                                input.writeTo(stdin);
                            } catch (IOException e) {
                                // ffprobe stopped reading; its exit status says why.
                            }
                        },
                        "ffprobe-input");
                writer.setDaemon(true);
                writer.start();
            }
            try (InputStream stdout = process.stdout()) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                stdout.transferTo(buffer);
                output = buffer.toByteArray();
            }
            outcome = process.await();
            if (writer != null) {
                writer.join();
            }
        } catch (IOException e) {
            throw new MediaException("could not run ffprobe on " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaException("interrupted while probing " + what, e);
        }
        if (!outcome.succeeded()) {
            throw new MediaException(
                    "ffprobe could not read " + what + ": " + outcome.describe(), outcome.logTailText());
        }
        return new Run(output, outcome);
    }

    private MediaInfo parse(byte[] output) throws MediaException {
        JsonNode root;
        try {
            root = json.readTree(output);
        } catch (IOException e) {
            throw new MediaException("ffprobe printed something that is not JSON", e);
        }
        return parse(root);
    }

    private MediaInfo parse(JsonNode root) throws MediaException {
        JsonNode format = root.path("format");
        Optional<MediaInfo.VideoStream> video = Optional.empty();
        Optional<MediaInfo.AudioStream> audio = Optional.empty();
        for (JsonNode stream : root.path("streams")) {
            String type = stream.path("codec_type").asText();
            if (type.equals("video") && video.isEmpty()) {
                int frames = stream.path("nb_read_frames")
                        .asInt(stream.path("nb_read_packets")
                                .asInt(stream.path("nb_frames").asInt(-1)));
                video = Optional.of(new MediaInfo.VideoStream(
                        stream.path("codec_name").asText(""),
                        stream.path("width").asInt(0),
                        stream.path("height").asInt(0),
                        stream.path("pix_fmt").asText(""),
                        frames,
                        stream.path("avg_frame_rate").asText("")));
            } else if (type.equals("audio") && audio.isEmpty()) {
                audio = Optional.of(new MediaInfo.AudioStream(
                        stream.path("codec_name").asText(""),
                        stream.path("sample_rate").asInt(0),
                        stream.path("channels").asInt(0),
                        millis(stream.path("duration"))));
            }
        }
        return new MediaInfo(format.path("format_name").asText(""), millis(format.path("duration")), video, audio);
    }

    private static long millis(JsonNode seconds) {
        if (!seconds.isTextual() && !seconds.isNumber()) {
            return -1;
        }
        try {
            return Math.round(Double.parseDouble(seconds.asText()) * 1000);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
