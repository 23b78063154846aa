package ir.flatrender.orchestrator.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkPlannerTest {
    @Test
    void splitsAnExactMultipleIntoEqualChunks() {
        List<FrameRange> plan = ChunkPlanner.plan(new FrameRange(0, 299), 30);
        assertThat(plan).hasSize(10);
        assertThat(plan).allMatch(range -> range.count() == 30);
        assertThat(plan.get(0)).isEqualTo(new FrameRange(0, 29));
        assertThat(plan.get(9)).isEqualTo(new FrameRange(270, 299));
    }

    @Test
    void spreadsARemainderInsteadOfLeavingAShortTail() {
        List<FrameRange> plan = ChunkPlanner.plan(new FrameRange(0, 309), 30);
        assertThat(plan).hasSize(11);
        assertThat(plan).allMatch(range -> range.count() == 28 || range.count() == 29);
        assertThat(plan.stream().mapToInt(FrameRange::count).sum()).isEqualTo(310);
    }

    @Test
    void coversTheRangeWithoutGapsOrOverlapsForManySizes() {
        for (int start : new int[] {0, 7, 100}) {
            for (int frames = 1; frames <= 200; frames++) {
                for (int max : new int[] {1, 7, 30, 250}) {
                    FrameRange range = new FrameRange(start, start + frames - 1);
                    List<FrameRange> plan = ChunkPlanner.plan(range, max);
                    assertThat(plan.get(0).start()).isEqualTo(range.start());
                    assertThat(plan.get(plan.size() - 1).end()).isEqualTo(range.end());
                    for (int i = 1; i < plan.size(); i++) {
                        assertThat(plan.get(i).start())
                                .isEqualTo(plan.get(i - 1).end() + 1);
                    }
                    assertThat(plan).allMatch(chunk -> chunk.count() <= max);
                    assertThat(plan.size()).isEqualTo((frames + max - 1) / max);
                }
            }
        }
    }

    @Test
    void aSingleFrameIsOneChunk() {
        assertThat(ChunkPlanner.plan(new FrameRange(42, 42), 30)).containsExactly(new FrameRange(42, 42));
    }

    @Test
    void refusesAChunkSizeBelowOne() {
        assertThatThrownBy(() -> ChunkPlanner.plan(new FrameRange(0, 9), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
