package ir.flatrender.node.engines.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class SampleTemplateTest {
    @Test
    void rendersInEveryAspectAndTier() {
        int[][] sizes = {{1920, 1080}, {1280, 720}};
        for (int[] size : sizes) {
            assertRenders("16:9", size[0], size[1]);
        }
        assertRenders("1:1", 1080, 1080);
        assertRenders("9:16", 1080, 1920);
    }

    private static void assertRenders(String aspect, int width, int height) {
        TimelineScene scene = SampleSpec.scene(SampleSpec.bindings(), aspect, width, height);
        BufferedImage frame = scene.newFrameBuffer();
        for (int n : new int[] {0, 60, 150, 240, 299}) {
            scene.renderFrame(n, frame);
        }
        assertThat(frame.getWidth()).isEqualTo(width);
        assertThat(frame.getHeight()).isEqualTo(height);
    }

    @Test
    void everyFrameDiffersFromTheNext() {
        // A test of the farm relies on it: a frame lost or shown twice at a seam must show.
        TimelineScene scene = SampleSpec.scene(SampleSpec.bindings(), "16:9", 320, 180);
        BufferedImage frame = scene.newFrameBuffer();
        scene.renderFrame(0, frame);
        byte[] previous = TimelineRendererTest.bytes(frame);
        for (int n = 1; n < 300; n++) {
            scene.renderFrame(n, frame);
            byte[] current = TimelineRendererTest.bytes(frame);
            assertThat(current).as("frame %d differs from frame %d", n, n - 1).isNotEqualTo(previous);
            previous = current;
        }
    }
}
