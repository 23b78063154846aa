package ir.flatrender.node.engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frame files an engine program wrote, read back in frame order and checked. */
class FrameFilesTest {
    @TempDir
    Path directory;

    /** A 4x2 frame whose red channel is its frame number. */
    private void write(String name, int frame) throws Exception {
        BufferedImage image = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 4; x++) {
            for (int y = 0; y < 2; y++) {
                image.setRGB(x, y, frame << 16);
            }
        }
        ImageIO.write(image, "png", directory.resolve(name).toFile());
    }

    private List<Integer> feed(int expected) throws Exception {
        List<Integer> order = new ArrayList<>();
        FrameFiles.feed(
                FrameFiles.list(directory, expected),
                4,
                2,
                frame -> order.add((frame.getRGB(0, 0) >> 16) & 0xff),
                () -> false);
        return order;
    }

    @Test
    void remotionNamesPaddedToTheChunksLastFrameComeInFrameOrder() throws Exception {
        // Frames 95-104 of a video: Remotion pads to the digits of 104, so 95 is "095", and
        // sorting by name alone would put 100-104 first.
        for (int frame = 95; frame <= 104; frame++) {
            write("element-%03d.png".formatted(frame), frame);
        }
        assertThat(feed(10)).containsExactly(95, 96, 97, 98, 99, 100, 101, 102, 103, 104);
    }

    @Test
    void aTransparentFrameDoesNotShowThePreviousOne() throws Exception {
        write("element-0.png", 200);
        BufferedImage clear = new BufferedImage(4, 2, BufferedImage.TYPE_INT_ARGB);
        ImageIO.write(clear, "png", directory.resolve("element-1.png").toFile());
        // Over black: the second frame is black, not the first frame's red showing through.
        assertThat(feed(2)).containsExactly(200, 0);
    }

    @Test
    void aMissingFrameIsBadOutput() throws Exception {
        write("frame_00010.png", 10);
        write("frame_00012.png", 12);
        assertThatThrownBy(() -> feed(3))
                .isInstanceOfSatisfying(
                        EngineException.class, e -> assertThat(e.kind()).isEqualTo(FailureKind.BAD_OUTPUT))
                .hasMessageContaining("wrote 2 frames; the chunk has 3");
    }

    @Test
    void aTruncatedFrameIsBadOutput() throws Exception {
        write("frame_00010.png", 10);
        write("frame_00011.png", 11);
        byte[] whole = Files.readAllBytes(directory.resolve("frame_00011.png"));
        Files.write(directory.resolve("frame_00011.png"), java.util.Arrays.copyOf(whole, whole.length / 3));
        assertThatThrownBy(() -> feed(2))
                .isInstanceOfSatisfying(
                        EngineException.class, e -> assertThat(e.kind()).isEqualTo(FailureKind.BAD_OUTPUT))
                .hasMessageContaining("frame_00011.png");
    }
}
