package ir.flatrender.tools.jobs;

import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.tools.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/** Follows a job to its end for {@code watch} and {@code submit --wait}, and says how it ended. */
final class Follow {
    private Follow() {}

    static int follow(
            JobClient client,
            String jobId,
            PrintWriter out,
            PrintWriter err,
            boolean interactive,
            Optional<Path> download)
            throws IOException {
        ProgressPrinter progress = new ProgressPrinter(out, interactive);
        Job job = client.follow(jobId, progress::update);
        progress.finish();
        if (job.getState() != JobState.JOB_STATE_SUCCEEDED) {
            err.printf(
                    "job %s %s: %s%n",
                    jobId, ProgressPrinter.state(job), job.getError().isEmpty() ? "no reason given" : job.getError());
            err.flush();
            return ExitCodes.JOB_FAILED;
        }
        if (download.isPresent()) {
            Path target = download.get().toAbsolutePath();
            client.download(jobId, target);
            out.printf("output: %s%n", target);
        } else {
            out.printf("output: %s%n", job.getExport().getLocation());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
