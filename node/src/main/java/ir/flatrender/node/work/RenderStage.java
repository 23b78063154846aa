package ir.flatrender.node.work;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.process.ProcessOutcome;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.media.process.Termination;
import ir.flatrender.node.encoding.OutputSpec;
import ir.flatrender.node.encoding.SegmentEncoder;
import ir.flatrender.node.engines.Engine;
import ir.flatrender.node.engines.EngineException;
import ir.flatrender.node.engines.EngineRequest;
import ir.flatrender.node.engines.Engines;
import ir.flatrender.node.engines.FailureKind;
import ir.flatrender.node.engines.FrameSink;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The second stage: the engine renders the chunk's frames into one encoder that writes a file
 * per output (or the engine writes the chunk's sound). Every file it may write is added to the
 * attempt's list before it is written, so the worker removes it whatever happens.
 */
public final class RenderStage {
    private final Engines engines;
    private final ObjectMapper json;
    private final ProcessSupervisor supervisor;
    private final FfmpegBinaries ffmpeg;
    private final Path workDirectory;
    private final ChunkLimits limits;

    public RenderStage(
            Engines engines,
            ObjectMapper json,
            ProcessSupervisor supervisor,
            FfmpegBinaries ffmpeg,
            Path workDirectory,
            ChunkLimits limits) {
        this.engines = requireNonNull(engines, "engines is null");
        this.json = requireNonNull(json, "json is null");
        this.supervisor = requireNonNull(supervisor, "supervisor is null");
        this.ffmpeg = requireNonNull(ffmpeg, "ffmpeg is null");
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
        this.limits = requireNonNull(limits, "limits is null");
    }

    /**
     * Renders the assignment from the unpacked package.
     *
     * @param files where the files this attempt writes are listed, in upload order
     * @return the tier of each listed file, in the same order
     */
    public List<String> render(
            Assignment assignment,
            Path packageDirectory,
            Cancellation cancellation,
            List<Path> files,
            Consumer<ChunkEvent> events)
            throws EngineException, InterruptedException {
        if (assignment.task() == Assignment.Task.AUDIO) {
            return renderAudio(assignment, packageDirectory, cancellation, files);
        }
        Engine engine = engine(assignment);
        EngineRequest request = request(assignment, packageDirectory);
        SegmentEncoder.Settings settings = settings(assignment, files);
        if (cancellation.isCancelled()) {
            throw new InterruptedException("cancelled");
        }
        ProgressReporter progress = new ProgressReporter(assignment.chunk(), events);
        try (LazyEncoder encoder = new LazyEncoder(supervisor, ffmpeg, settings, cancellation)) {
            try {
                engine.render(
                        request,
                        new FrameSink() {
                            @Override
                            public void frame(BufferedImage frame) throws IOException {
                                encoder.frame(frame);
                                progress.frameDone();
                            }

                            @Override
                            public void rendered(int frames) {
                                progress.rendered(frames);
                            }
                        },
                        cancellation::isCancelled);
            } catch (LazyEncoder.Stopped e) {
                if (e.getCause() != null) {
                    throw new EngineException(
                            FailureKind.LAUNCH_FAILURE,
                            "could not start ffmpeg: " + e.getCause().getMessage());
                }
                // The encoder stopped taking frames; its own outcome says why.
                ProcessOutcome outcome = encoder.started().finish();
                throw encoderFailure(
                        outcome,
                        "ffmpeg stopped taking frames after "
                                + encoder.started().framesWritten());
            } catch (IOException e) {
                // The engine's own files (frames, props, scripts), not the encoder.
                throw new EngineException(
                        FailureKind.CRASH, "the " + engine.name() + " engine failed: " + e.getMessage());
            }
            int written = encoder.isStarted() ? encoder.started().framesWritten() : 0;
            if (encoder.isStarted()) {
                ProcessOutcome outcome = encoder.started().finish();
                if (!outcome.succeeded()) {
                    throw encoderFailure(outcome, "ffmpeg failed");
                }
            }
            if (written != request.frameCount()) {
                throw new EngineException(
                        FailureKind.BAD_OUTPUT,
                        "the engine gave " + written + " frames; the chunk has " + request.frameCount());
            }
            progress.finish(written);
        }
        return assignment.outputs().stream().map(OutputSpec::tier).toList();
    }

    private Engine engine(Assignment assignment) throws EngineException {
        return engines.get(assignment.engine())
                .orElseThrow(() -> new EngineException(
                        FailureKind.LAUNCH_FAILURE, "this node has no " + assignment.engine() + " engine"));
    }

    private List<String> renderAudio(
            Assignment assignment, Path packageDirectory, Cancellation cancellation, List<Path> files)
            throws EngineException, InterruptedException {
        ChunkKey chunk = assignment.chunk();
        Path wav = workDirectory.resolve(chunk.chunkId() + "-" + chunk.attempt() + "-audio.wav");
        files.add(wav);
        try {
            engine(assignment).renderAudio(request(assignment, packageDirectory), wav, cancellation::isCancelled);
            if (!Files.isRegularFile(wav) || Files.size(wav) == 0) {
                throw new EngineException(FailureKind.BAD_OUTPUT, "the engine wrote no audio");
            }
        } catch (IOException e) {
            throw new EngineException(FailureKind.CRASH, "rendering the audio failed: " + e.getMessage());
        }
        return List.of("audio");
    }

    private EngineRequest request(Assignment assignment, Path packageDirectory) throws EngineException {
        try {
            JsonNode manifest =
                    json.readTree(packageDirectory.resolve("template.json").toFile());
            ChunkKey chunk = assignment.chunk();
            return new EngineRequest(
                    chunk.jobId(),
                    chunk.chunkId(),
                    chunk.attempt(),
                    packageDirectory,
                    manifest,
                    assignment.composition(),
                    assignment.aspect(),
                    assignment.firstFrame(),
                    assignment.lastFrame(),
                    assignment.fps(),
                    assignment.renderWidth(),
                    assignment.renderHeight(),
                    (ObjectNode) json.readTree(assignment.bindingsJson()));
        } catch (IOException | ClassCastException | IllegalArgumentException e) {
            throw new EngineException(FailureKind.LAUNCH_FAILURE, "bad assignment: " + e.getMessage());
        }
    }

    /** The encoder's settings, a file per output; each file is listed for the attempt. */
    private SegmentEncoder.Settings settings(Assignment assignment, List<Path> files) throws EngineException {
        ChunkKey chunk = assignment.chunk();
        List<SegmentEncoder.Target> targets = new ArrayList<>();
        for (OutputSpec output : assignment.outputs()) {
            Path file = workDirectory.resolve(chunk.chunkId() + "-" + chunk.attempt() + "-" + output.tier() + "."
                    + output.format().extension());
            files.add(file);
            targets.add(new SegmentEncoder.Target(output, file));
        }
        if (targets.isEmpty()) {
            throw new EngineException(FailureKind.LAUNCH_FAILURE, "bad assignment: no outputs");
        }
        return new SegmentEncoder.Settings(
                assignment.encoder(),
                assignment.renderWidth(),
                assignment.renderHeight(),
                targets,
                assignment.fps(),
                assignment.firstFrame(),
                workDirectory,
                limits.deadline(),
                limits.noProgressTimeout());
    }

    static EngineException encoderFailure(ProcessOutcome outcome, String what) {
        FailureKind kind = outcome.termination() == Termination.NO_PROGRESS
                        || outcome.termination() == Termination.DEADLINE_EXCEEDED
                ? FailureKind.HANG
                : FailureKind.CRASH;
        return EngineException.ofProcess(kind, what + ": " + outcome.describe(), outcome);
    }
}
