package ir.flatrender.orchestrator.repairs;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.orchestrator.jobs.ChunkRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FrameTimelineTest {
    private static final int FPS = 30;
    private final List<ChunkRow> chunks = List.of(chunk(0, 0, 9), chunk(1, 10, 19), chunk(2, 20, 29));

    private static ChunkRow chunk(int seq, int start, int end) {
        return new ChunkRow(
                UUID.randomUUID(),
                UUID.randomUUID(),
                seq,
                start,
                end,
                "timeline",
                "frames",
                "",
                "done",
                1,
                0,
                null,
                null,
                null,
                null,
                null,
                null,
                0,
                null,
                null);
    }

    /** Frames from..to (inclusive) at their planned times, shifted by a container's base. */
    private static List<Double> times(int from, int to, double base) {
        List<Double> times = new ArrayList<>();
        for (int frame = from; frame <= to; frame++) {
            times.add(base + frame / (double) FPS);
        }
        return times;
    }

    @Test
    void anExportWithEveryFrameInPlaceHasNoProblem() {
        List<Double> shuffled = new ArrayList<>(times(0, 29, 0));
        java.util.Collections.reverse(shuffled); // decode order is not presentation order
        assertThat(FrameTimeline.exportProblems(shuffled, FPS, chunks, 0)).isEmpty();
    }

    @Test
    void aGapOrADuplicateInTheExportNamesTheChunkItStartsIn() {
        List<Double> gap = new ArrayList<>(times(0, 29, 0));
        gap.remove(14);
        assertThat(FrameTimeline.exportProblems(gap, FPS, chunks, 0)).containsOnlyKeys(chunks.get(1));

        List<Double> twice = new ArrayList<>(times(0, 29, 0));
        twice.add(twice.get(3));
        assertThat(FrameTimeline.exportProblems(twice, FPS, chunks, 0)).containsOnlyKeys(chunks.get(0));
    }

    @Test
    void framesMissingAtTheEndNameTheLastChunks() {
        assertThat(FrameTimeline.exportProblems(times(0, 14, 0), FPS, chunks, 0))
                .containsOnlyKeys(chunks.get(1), chunks.get(2));
    }

    @Test
    void aSegmentOfAnotherRangeIsTheOneOutOfStepWithTheRest() {
        Map<ChunkRow, List<Double>> segments = new LinkedHashMap<>();
        segments.put(chunks.get(0), times(10, 19, 1.4)); // chunk 1's frames in chunk 0's place
        segments.put(chunks.get(1), times(10, 19, 1.4));
        segments.put(chunks.get(2), times(20, 29, 1.4));
        Map<ChunkRow, String> problems = FrameTimeline.segmentProblems(segments, FPS, 0);
        assertThat(problems).containsOnlyKeys(chunks.get(0));
        assertThat(problems.get(chunks.get(0))).contains("+10 frame(s)");
    }

    @Test
    void aSegmentShortOfFramesOrWithAHoleIsWrong() {
        Map<ChunkRow, List<Double>> segments = new LinkedHashMap<>();
        segments.put(chunks.get(0), times(0, 8, 1.4));
        List<Double> holed = new ArrayList<>(times(10, 19, 1.4));
        holed.set(5, holed.get(4));
        segments.put(chunks.get(1), holed);
        segments.put(chunks.get(2), times(20, 29, 1.4));
        assertThat(FrameTimeline.segmentProblems(segments, FPS, 0)).containsOnlyKeys(chunks.get(0), chunks.get(1));
    }

    @Test
    void segmentsOfAJobStartingLaterAgreeOnTheirBase() {
        List<ChunkRow> later = List.of(chunk(0, 100, 109), chunk(1, 110, 119));
        Map<ChunkRow, List<Double>> segments = new LinkedHashMap<>();
        segments.put(later.get(0), times(0, 9, 1.4));
        segments.put(later.get(1), times(10, 19, 1.4));
        assertThat(FrameTimeline.segmentProblems(segments, FPS, 100)).isEmpty();
    }
}
