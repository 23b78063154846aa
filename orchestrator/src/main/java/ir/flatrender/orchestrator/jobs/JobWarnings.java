package ir.flatrender.orchestrator.jobs;

import java.util.ArrayList;
import java.util.List;

/**
 * What a job's record warns about without refusing it, decided from the record alone (so
 * {@code submit}, {@code jobs show} and the gateway say the same): an output tier larger than the
 * size its template is drawn at. Engines other than the timeline render at the template's native
 * size for the aspect and the encoder scales, so a larger tier is an upscale and looks soft; the
 * timeline engine draws vectors at the output's size and never upscales.
 */
public final class JobWarnings {
    private JobWarnings() {}

    public static List<String> of(JobRow job) {
        return of(job.engine(), job.aspect(), job.renderWidth(), job.renderHeight(), job.outputs());
    }

    static List<String> of(String engine, String aspect, int renderWidth, int renderHeight, List<Output> outputs) {
        List<String> warnings = new ArrayList<>();
        if (engine.equals("timeline")) {
            return warnings;
        }
        int nativeShortSide = Math.min(renderWidth, renderHeight);
        for (Output output : outputs) {
            if (Math.min(output.width(), output.height()) > nativeShortSide) {
                warnings.add("tier " + output.tier() + " upscales: the template's " + aspect + " is drawn at "
                        + renderWidth + "x" + renderHeight + " and scaled up to " + output.width() + "x"
                        + output.height() + ", which looks soft (a tier whose short side is at most "
                        + nativeShortSide + " keeps it sharp)");
            }
        }
        return warnings;
    }
}
