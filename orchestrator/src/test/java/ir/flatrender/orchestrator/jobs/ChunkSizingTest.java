package ir.flatrender.orchestrator.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChunkSizingTest {
    @Test
    void aFewChunksForEachFreeSlot() {
        ChunkSizing.Choice one = ChunkSizing.fromFarm(300, "timeline", new ChunkSizing.Slots(1, 1));
        assertThat(one.chunkFrames()).isEqualTo(150);
        assertThat(one.reason())
                .isEqualTo("150-frame chunks: 300 frames over 1 free slot of 1 for timeline, 2 chunks a slot");
        assertThat(ChunkSizing.fromFarm(300, "timeline", new ChunkSizing.Slots(4, 2))
                        .chunkFrames())
                .isEqualTo(75);
        // 301 frames over 2 chunks: 151, so that no third chunk of one frame is left.
        assertThat(ChunkSizing.fromFarm(301, "timeline", new ChunkSizing.Slots(1, 1))
                        .chunkFrames())
                .isEqualTo(151);
    }

    @Test
    void aBusyFarmCountsAtLeastHalfItsSlots() {
        ChunkSizing.Choice busy = ChunkSizing.fromFarm(300, "remotion", new ChunkSizing.Slots(3, 0));
        assertThat(busy.chunkFrames()).isEqualTo(75);
        assertThat(busy.reason())
                .isEqualTo("75-frame chunks: 300 frames over 2 of the farm's 3 slots (half of them; 0 free now) for"
                        + " remotion, 2 chunks a slot");
        // One slot of a hundred free: sized for fifty, not for one (3,000 frames in 60 chunks, not 10).
        assertThat(ChunkSizing.fromFarm(3000, "remotion", new ChunkSizing.Slots(100, 1))
                        .chunkFrames())
                .isEqualTo(30);
        assertThat(ChunkSizing.fromFarm(300, "timeline", new ChunkSizing.Slots(1, 0))
                        .reason())
                .isEqualTo(
                        "150-frame chunks: 300 frames over the farm's 1 slot (0 free now) for timeline, 2 chunks a slot");
    }

    @Test
    void neverUnderTheSmallestNorOverTheLargestSize() {
        ChunkSizing.Choice large = ChunkSizing.fromFarm(300, "timeline", new ChunkSizing.Slots(1000, 900));
        assertThat(large.chunkFrames()).isEqualTo(ChunkSizing.MIN_FRAMES);
        assertThat(large.reason()).endsWith(", raised to the smallest size, 30");
        ChunkSizing.Choice small = ChunkSizing.fromFarm(9000, "timeline", new ChunkSizing.Slots(2, 2));
        assertThat(small.chunkFrames()).isEqualTo(ChunkSizing.MAX_FRAMES);
        assertThat(small.reason()).endsWith(", lowered to the largest size, 300");
        ChunkSizing.Choice none = ChunkSizing.fromFarm(300, "after-effects", new ChunkSizing.Slots(0, 0));
        assertThat(none.chunkFrames()).isEqualTo(ChunkSizing.MIN_FRAMES);
        assertThat(none.reason()).contains("no online node has after-effects now");
    }

    @Test
    void theRequestThenTheOrchestratorsFixedSizeComeFirst() {
        ChunkSizing.Slots unread = null;
        assertThat(ChunkSizing.choose(100, JobsConfig.defaults(), 300, "timeline", () -> unread)
                        .reason())
                .isEqualTo("100-frame chunks, as the request asked");
        assertThat(ChunkSizing.choose(0, JobsConfig.fixedChunks(30), 300, "timeline", () -> {
                            throw new AssertionError("the farm is not read for a fixed size");
                        })
                        .chunkFrames())
                .isEqualTo(30);
        assertThat(ChunkSizing.choose(0, JobsConfig.defaults(), 300, "timeline", () -> new ChunkSizing.Slots(2, 1))
                        .chunkFrames())
                .isEqualTo(150);
        assertThatThrownBy(() -> new ChunkSizing.Slots(1, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
