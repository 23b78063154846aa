package ir.flatrender.node.work;

import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.node.encoding.SegmentEncoder;
import java.awt.image.BufferedImage;
import java.io.IOException;

/**
 * The chunk's encoder, started at the engine's first frame: an engine program (Remotion,
 * After Effects) renders all its frames before handing any over, and ffmpeg, idle until
 * then, would run out its no-progress watchdog; an engine that fails first starts none.
 */
final class LazyEncoder implements AutoCloseable {
    /** The encoder refused a frame ({@code getCause()} set: it could not even start). */
    static final class Stopped extends IOException {
        private static final long serialVersionUID = 1L;

        Stopped(String message, IOException cause) {
            super(message, cause);
        }
    }

    private final ProcessSupervisor supervisor;
    private final FfmpegBinaries ffmpeg;
    private final SegmentEncoder.Settings settings;
    private final Cancellation cancellation;
    private SegmentEncoder encoder;

    LazyEncoder(
            ProcessSupervisor supervisor,
            FfmpegBinaries ffmpeg,
            SegmentEncoder.Settings settings,
            Cancellation cancellation) {
        this.supervisor = supervisor;
        this.ffmpeg = ffmpeg;
        this.settings = settings;
        this.cancellation = cancellation;
    }

    void frame(BufferedImage frame) throws Stopped {
        if (encoder == null) {
            try {
                encoder = SegmentEncoder.start(supervisor, ffmpeg, settings);
            } catch (IOException e) {
                throw new Stopped("could not start ffmpeg", e);
            }
            cancellation.attach(encoder);
        }
        try {
            encoder.frame(frame);
        } catch (IOException e) {
            throw new Stopped("ffmpeg stopped taking frames", null);
        }
    }

    boolean isStarted() {
        return encoder != null;
    }

    SegmentEncoder started() {
        return encoder;
    }

    @Override
    public void close() {
        if (encoder != null) {
            encoder.close();
        }
    }
}
