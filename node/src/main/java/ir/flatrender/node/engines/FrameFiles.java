package ir.flatrender.node.engines;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Frames an engine program wrote as image files, fed to the encoder in frame order. The order
 * comes from the number in each name, not from the name's padding: Remotion pads to the digits
 * of the chunk's last frame, After Effects to its template's. A missing, extra, truncated or
 * wrongly sized frame is bad output.
 */
public final class FrameFiles {
    private static final Pattern NUMBER = Pattern.compile("(\\d+)(?=\\.[A-Za-z]+$)");

    private FrameFiles() {}

    public static List<Path> list(Path directory, int expected) throws IOException, EngineException {
        List<Path> frames = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                if (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg")) {
                    frames.add(file);
                }
            }
        }
        frames.sort(Comparator.comparingLong(FrameFiles::number));
        if (frames.size() != expected) {
            throw new EngineException(
                    FailureKind.BAD_OUTPUT, "the engine wrote " + frames.size() + " frames; the chunk has " + expected);
        }
        return frames;
    }

    private static long number(Path file) {
        Matcher matcher = NUMBER.matcher(file.getFileName().toString());
        return matcher.find() ? Long.parseLong(matcher.group(1)) : Long.MAX_VALUE;
    }

    /** Decodes each frame and hands it to the sink as {@code TYPE_3BYTE_BGR}. */
    public static void feed(List<Path> frames, int width, int height, FrameSink sink, BooleanSupplier cancelled)
            throws IOException, EngineException, InterruptedException {
        BufferedImage buffer = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (Path file : frames) {
            if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("cancelled");
            }
            BufferedImage image;
            try {
                image = ImageIO.read(file.toFile());
            } catch (IOException e) {
                image = null;
            }
            if (image == null) {
                throw new EngineException(
                        FailureKind.BAD_OUTPUT, "frame file " + file.getFileName() + " is damaged or not an image");
            }
            if (image.getWidth() != width || image.getHeight() != height) {
                throw new EngineException(
                        FailureKind.BAD_OUTPUT,
                        "frame " + file.getFileName() + " is " + image.getWidth() + "x" + image.getHeight() + ", not "
                                + width + "x" + height);
            }
            // Over black, afresh each frame: a frame with transparent pixels (Remotion's PNGs,
            // an "RGB + Alpha" output module) must not keep the previous frame's there.
            Graphics2D g = buffer.createGraphics();
            g.setComposite(AlphaComposite.Src);
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, width, height);
            g.setComposite(AlphaComposite.SrcOver);
            g.drawImage(image, 0, 0, null);
            g.dispose();
            sink.frame(buffer);
        }
    }
}
