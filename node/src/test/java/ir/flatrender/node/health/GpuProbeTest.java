package ir.flatrender.node.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GpuProbeTest {
    @Test
    void readsTheMeanLoadAndTheSummedMemoryOfEveryGpu() {
        assertThat(GpuProbe.parse("37, 1024\n63, 2048\n")).contains(new GpuProbe.Reading(0.5, 3072L * 1024 * 1024));
    }

    @Test
    void aGpuThatReportsNothingIsLeftOutAndNoGpuIsNoReading() {
        assertThat(GpuProbe.parse("[N/A], [N/A]\n40, 100")).contains(new GpuProbe.Reading(0.4, 100L * 1024 * 1024));
        assertThat(GpuProbe.parse("")).isEmpty();
        assertThat(GpuProbe.parse("NVIDIA-SMI has failed because it couldn't communicate with the driver"))
                .isEmpty();
    }
}
