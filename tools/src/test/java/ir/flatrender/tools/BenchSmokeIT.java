package ir.flatrender.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmarks at tiny sizes, so that they keep working: they print their figures and every
 * chunk queued is dispatched and completed. The figures themselves are not checked here; see
 * BENCHMARKS.md for them at full size.
 */
class BenchSmokeIT {
    @TempDir
    Path directory;

    private String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FlatRender.run(new PrintWriter(out), new PrintWriter(err), false, args);
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }

    @Test
    void dispatchRunsEveryChunkThroughSimulatedNodesInAJvmOfTheirOwn() {
        String out = run(
                "bench",
                "--work-dir",
                directory.resolve("dispatch").toString(),
                "dispatch",
                "--nodes",
                "10",
                "--chunks",
                "300",
                "--chunks-per-job",
                "30");
        assertThat(out).contains("10 nodes connected");
        assertThat(out).containsPattern("(?m)^chunks +300$");
        assertThat(out).containsPattern("(?m)^dispatches / s +[1-9][0-9]*$");
        assertThat(out).containsPattern("(?m)^slot free → assignment p99 +[0-9.]+ ms$");
        assertThat(out).containsPattern("(?m)^database transactions / s +[1-9][0-9]*$");
    }

    @Test
    void efficiencyComparesTheMakespanWithTheIdeal() {
        String out = run(
                "bench",
                "--work-dir",
                directory.resolve("efficiency").toString(),
                "efficiency",
                "--nodes",
                "5",
                "--chunk-millis",
                "100",
                "--chunks-per-node",
                "6");
        assertThat(out).containsPattern("(?m)^ideal makespan +0\\.60 s$");
        assertThat(out).containsPattern("(?m)^efficiency +[0-9.]+ %$");
    }

    @Test
    void renderComparesTheFarmWithTheEngineAloneOnTheSameFrames() {
        String out = run(
                "bench",
                "--work-dir",
                directory.resolve("render").toString(),
                "render",
                "--tier",
                "360p",
                "--nodes",
                "1");
        // Both made the job's 300 frames (the benchmark fails otherwise), timed and compared.
        assertThat(out).containsPattern("(?m)^engine alone \\+ encode \\+ MP4 +[0-9.]+ s +[0-9.]+ +1\\.00");
        assertThat(out).containsPattern("(?m)^farm, 1 node\\(s\\) +[0-9.]+ s +[0-9.]+ +[0-9.]+ \\([+-][0-9.]+ %\\)");
        assertThat(out).contains("sample-promo 16:9 360p: 300 frames");
    }
}
