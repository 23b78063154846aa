package ir.flatrender.orchestrator.repairs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds which chunks' frames are wrong from where the frames sit in time: in the assembled
 * export (a gap, a frame twice, frames missing at the end) and in the chunks' own segments (a
 * frame count off, a segment that starts where another chunk should). Pure functions over
 * packet times, so the rules are tested without video.
 */
public final class FrameTimeline {
    private FrameTimeline() {}

    /**
     * The chunks whose frames are misplaced or missing in an export.
     *
     * @param times the export's video packet times in seconds, in any order
     * @param chunks the job's frame chunks (not its audio task), in frame order
     * @param jobFrameStart the job's first frame; frame {@code jobFrameStart} sits at 0 s
     * @return each wrong chunk with what is wrong, in frame order; empty when every frame sits
     *     where it was planned
     */
    public static <C extends FrameSpan> Map<C, String> exportProblems(
            List<Double> times, int fps, List<C> chunks, int jobFrameStart) {
        List<Double> sorted = times.stream().sorted().toList();
        int planned =
                chunks.stream().mapToInt(c -> c.frameEnd() - c.frameStart() + 1).sum();
        Map<C, String> problems = new LinkedHashMap<>();
        if (sorted.isEmpty()) {
            chunks.forEach(c -> problems.put(c, "the export has no frame of it"));
            return problems;
        }
        double first = sorted.get(0);
        for (int i = 0; i < sorted.size(); i++) {
            long at = Math.round((sorted.get(i) - first) * fps);
            if (at != i) {
                C chunk = chunkOf(chunks, jobFrameStart + Math.min(i, planned - 1));
                problems.putIfAbsent(
                        chunk,
                        String.format(
                                Locale.ROOT,
                                "frame %d of the export sits at %.3f s, planned %.3f s",
                                jobFrameStart + i,
                                sorted.get(i) - first,
                                i / (double) fps));
                // Everything after a misplaced frame is shifted; the first one is the evidence.
                break;
            }
        }
        if (problems.isEmpty() && sorted.size() < planned) {
            for (int frame = jobFrameStart + sorted.size(); frame < jobFrameStart + planned; frame++) {
                problems.putIfAbsent(
                        chunkOf(chunks, frame),
                        "the export ends after " + sorted.size() + " frames; " + planned + " were planned");
            }
        } else if (problems.isEmpty() && sorted.size() > planned) {
            problems.put(
                    chunks.get(chunks.size() - 1),
                    "the export has " + sorted.size() + " frames; " + planned + " were planned");
        }
        return problems;
    }

    /**
     * The chunks whose own segments are wrong: a frame count other than planned, frames not one
     * frame apart, or a start that does not agree with the other segments' (a segment of
     * another range in its place). The segments' shared time base is the one most of them agree
     * on.
     *
     * @param times each chunk's segment packet times in seconds
     */
    public static <C extends FrameSpan> Map<C, String> segmentProblems(
            Map<C, List<Double>> times, int fps, int jobFrameStart) {
        Map<C, String> problems = new LinkedHashMap<>();
        Map<C, Long> bases = new LinkedHashMap<>();
        for (Map.Entry<C, List<Double>> entry : times.entrySet()) {
            C chunk = entry.getKey();
            List<Double> sorted = entry.getValue().stream().sorted().toList();
            int planned = chunk.frameEnd() - chunk.frameStart() + 1;
            if (sorted.size() != planned) {
                problems.put(chunk, "its segment has " + sorted.size() + " frames; " + planned + " were planned");
                continue;
            }
            for (int i = 1; i < sorted.size(); i++) {
                if (Math.round((sorted.get(i) - sorted.get(0)) * fps) != i) {
                    problems.put(chunk, "frame " + (chunk.frameStart() + i) + " of its segment is out of place");
                    break;
                }
            }
            if (!problems.containsKey(chunk)) {
                // Where frame 0 of the job would sit by this segment, in frames.
                bases.put(chunk, Math.round(sorted.get(0) * fps) - (chunk.frameStart() - jobFrameStart));
            }
        }
        Map<Long, Integer> votes = new HashMap<>();
        bases.values().forEach(base -> votes.merge(base, 1, Integer::sum));
        int most = votes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        List<Long> winners = new ArrayList<>();
        votes.forEach((base, count) -> {
            if (count == most) {
                winners.add(base);
            }
        });
        // A tie leaves no base to trust: each of the tied segments is suspect.
        Long agreed = winners.size() == 1 ? winners.get(0) : null;
        bases.forEach((chunk, base) -> {
            if (agreed == null || !base.equals(agreed)) {
                problems.put(
                        chunk,
                        String.format(
                                Locale.ROOT,
                                "its segment starts %+d frame(s) from where frames %d-%d belong",
                                agreed == null ? 0 : base - agreed,
                                chunk.frameStart(),
                                chunk.frameEnd()));
            }
        });
        return problems;
    }

    private static <C extends FrameSpan> C chunkOf(List<C> chunks, int frame) {
        for (C chunk : chunks) {
            if (frame >= chunk.frameStart() && frame <= chunk.frameEnd()) {
                return chunk;
            }
        }
        return chunks.get(chunks.size() - 1);
    }
}
