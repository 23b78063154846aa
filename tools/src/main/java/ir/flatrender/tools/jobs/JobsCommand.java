package ir.flatrender.tools.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.proto.farm.v1.Chunk;
import ir.flatrender.proto.farm.v1.ChunkTask;
import ir.flatrender.proto.farm.v1.Crash;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.ListCrashesRequest;
import ir.flatrender.proto.farm.v1.ListCrashesResponse;
import ir.flatrender.proto.farm.v1.ListJobsRequest;
import ir.flatrender.proto.farm.v1.ListJobsResponse;
import ir.flatrender.tools.ExitCodes;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.admin.AdminClient;
import ir.flatrender.tools.admin.Calls;
import ir.flatrender.tools.admin.Confirm;
import ir.flatrender.tools.admin.FarmCommands;
import ir.flatrender.tools.admin.Output;
import ir.flatrender.tools.admin.Since;
import ir.flatrender.tools.admin.Table;
import ir.flatrender.tools.options.ClientOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "jobs",
        description = "Look at, follow and steer render jobs.",
        subcommands = CommandLine.HelpCommand.class,
        footer = {
            "",
            "Examples:",
            "  flatrender jobs list --state running --state queued",
            "  flatrender jobs list --engine aftereffects --since 24h -o json",
            "  flatrender jobs show 3f0c…                 # chunks, crashes, repairs",
            "  flatrender jobs watch 3f0c…",
            "  flatrender jobs priority 3f0c… 50",
            "  flatrender jobs cancel 3f0c… --yes"
        })
public final class JobsCommand {
    @ParentCommand
    FlatRender root;

    @Spec
    CommandSpec spec;

    @Command(mixinStandardHelpOptions = true, name = "list", description = "Jobs, newest first, a page at a time.")
    int list(
            @Mixin ClientOptions client,
            @Mixin Output output,
            @Option(names = "--state", description = "Only these states: ${COMPLETION-CANDIDATES}.") List<State> states,
            @Option(names = "--tenant", description = "Only this tenant's jobs (its id).") String tenant,
            @Option(names = "--template") String template,
            @Option(names = "--engine", description = "timeline, remotion or aftereffects.") String engine,
            @Option(names = "--since", converter = Since.class, description = "30m, 2h, 7d or an ISO time.")
                    Instant since,
            @Option(names = "--limit", defaultValue = "50", description = "Jobs per page (default: ${DEFAULT-VALUE}).")
                    int limit,
            @Option(names = "--page-token", description = "The next page, as the previous one said.") String page)
            throws Exception {
        ListJobsRequest.Builder request = ListJobsRequest.newBuilder().setPageSize(limit);
        if (states != null) {
            states.forEach(state -> request.addStates(state.proto()));
        }
        Optional.ofNullable(tenant).ifPresent(request::setTenantId);
        Optional.ofNullable(template).ifPresent(request::setTemplateId);
        Optional.ofNullable(engine).ifPresent(request::setEngine);
        Optional.ofNullable(since)
                .map(s -> com.google.protobuf.Timestamp.newBuilder()
                        .setSeconds(s.getEpochSecond())
                        .setNanos(s.getNano())
                        .build())
                .ifPresent(request::setCreatedSince);
        Optional.ofNullable(page).ifPresent(request::setPageToken);
        ListJobsResponse response =
                Calls.with(client, channel -> new JobClient(channel, Calls.DEADLINE).list(request.build()));
        Table table = Table.of("ID", "STATE", "TEMPLATE", "ENGINE", "TIER", "FRAMES", "DONE", "CREATED");
        for (Job job : response.getJobsList()) {
            table.row(
                    job.getId(),
                    state(job.getState()),
                    job.getTemplateId() + " v" + job.getTemplateVersion(),
                    job.getEngine(),
                    job.getTier() + " " + job.getAspect(),
                    job.getTotalFrames(),
                    percent(job),
                    Output.time(job.getCreatedAt()));
        }
        output.print(out(), response, table);
        if (!output.json() && !response.getNextPageToken().isEmpty()) {
            out().printf("more: --page-token %s%n", response.getNextPageToken());
            out().flush();
        }
        return ExitCodes.OK;
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "show",
            description = "One job: its chunks (node, attempt, state, time), crashes and repairs.")
    int show(@Mixin ClientOptions client, @Mixin Output output, @Parameters(paramLabel = "JOB") String jobId)
            throws Exception {
        Job job = Calls.with(client, channel -> new JobClient(channel, Calls.DEADLINE).get(jobId, true));
        ListCrashesResponse crashes = Calls.with(
                client,
                channel -> new AdminClient(channel, Calls.DEADLINE)
                        .crashes(ListCrashesRequest.newBuilder()
                                .setJobId(job.getId())
                                .setLimit(1000)
                                .build()));
        if (output.json()) {
            ObjectNode shown = root.json().createObjectNode();
            shown.set("job", root.json().readTree(Output.json(job)));
            shown.set("crashes", root.json().readTree(Output.json(crashes)).path("crashes"));
            out().println(root.json().writeValueAsString(shown));
            out().flush();
            return ExitCodes.OK;
        }
        PrintWriter out = out();
        out.printf(
                "job %s: %s, %s v%d (%s), %s %s, frames %d-%d at %d fps, priority %d%n",
                job.getId(),
                state(job.getState()),
                job.getTemplateId(),
                job.getTemplateVersion(),
                job.getEngine(),
                job.getTier(),
                job.getAspect(),
                job.getFrames().getStart(),
                job.getFrames().getEnd(),
                job.getFps(),
                job.getPriority());
        out.printf(
                "progress: %d/%d frames, %d/%d chunks; created %s, started %s, finished %s%n",
                job.getFramesDone(),
                job.getTotalFrames(),
                job.getChunksDone(),
                job.getChunksTotal(),
                Output.time(job.getCreatedAt()),
                Output.time(job.getStartedAt()),
                Output.time(job.getFinishedAt()));
        if (!job.getError().isEmpty()) {
            out.printf("error: %s%n", job.getError());
        }
        if (!job.getChunkPlan().isEmpty()) {
            out.printf("chunks: %s%n", job.getChunkPlan());
        }
        if (!job.getWaitingReason().isEmpty()) {
            out.printf("waiting: %s%n", job.getWaitingReason());
        }
        for (String warning : job.getWarningsList()) {
            out.printf("warning: %s%n", warning);
        }
        if (job.hasExport()) {
            out.printf(
                    "output: %s (%s, %d frames)%n",
                    job.getExport().getLocation(),
                    Output.bytes(job.getExport().getSizeBytes()),
                    job.getExport().getFrameCount());
        }
        out.println();
        Table chunks = Table.of("SEQ", "FRAMES", "TASK", "STATE", "ATTEMPT", "NODE", "DURATION", "ERROR");
        for (Chunk chunk : job.getChunksList()) {
            chunks.row(
                    chunk.getSeq(),
                    FarmCommands.range(chunk.getFrames()),
                    chunk.getTask() == ChunkTask.CHUNK_TASK_AUDIO ? "audio" : "frames",
                    Output.state(chunk.getState(), "CHUNK_STATE_"),
                    chunk.getAttempt(),
                    chunk.getNodeName().isEmpty() ? "-" : chunk.getNodeName(),
                    duration(chunk),
                    chunk.getError());
        }
        chunks.print(out);
        if (crashes.getCrashesCount() > 0) {
            out.printf("%ncrashes:%n");
            Table table = Table.of("TIME", "NODE", "CHUNK", "ATTEMPT", "KIND", "EXIT", "MESSAGE");
            for (Crash crash : crashes.getCrashesList()) {
                table.row(
                        Output.time(crash.getCreatedAt()),
                        crash.getNodeName(),
                        crash.getChunkId(),
                        crash.getAttempt(),
                        crash.getKind(),
                        crash.getExitCode() < 0 ? "-" : crash.getExitCode(),
                        crash.getMessage());
            }
            table.print(out);
        }
        if (job.getRepairsCount() > 0) {
            out.printf("%nrepairs:%n");
            FarmCommands.repairs(job.getRepairsList().stream()
                            .map(r -> ir.flatrender.proto.farm.v1.Repair.newBuilder()
                                    .setJobId(job.getId())
                                    .setChunkId(r.getChunkId())
                                    .setAttempt(r.getAttempt())
                                    .setFrames(r.getFrames())
                                    .setTier(r.getTier())
                                    .setDetectedBy(r.getDetectedBy())
                                    .setReason(r.getReason())
                                    .setState(r.getState())
                                    .setCreatedAt(r.getCreatedAt())
                                    .build())
                            .toList())
                    .print(out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "watch",
            description = "Follow a job until it ends: a progress bar with frames, fps and ETA at a terminal, plain"
                    + " lines elsewhere; ends with the output's location or the failure.")
    int watch(
            @Mixin ClientOptions client,
            @Parameters(paramLabel = "JOB") String jobId,
            @Option(names = "--out", description = "Download the finished video to this file.") Path download)
            throws Exception {
        return Calls.with(
                client,
                channel -> Follow.follow(
                        new JobClient(channel, Duration.ofSeconds(30)),
                        jobId,
                        out(),
                        spec.commandLine().getErr(),
                        root.interactive(),
                        Optional.ofNullable(download)));
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "cancel",
            description = "Stop a job: its engine processes on the nodes stop within seconds.")
    int cancel(
            @Mixin ClientOptions client,
            @Mixin Output output,
            @Mixin Confirm confirm,
            @Parameters(paramLabel = "JOB") String jobId,
            @Option(names = "--reason", defaultValue = "cancelled by an operator") String reason)
            throws Exception {
        confirm.check(spec.commandLine(), root.interactive(), "Cancel job " + jobId + "?");
        return print(
                output, Calls.with(client, channel -> new JobClient(channel, Calls.DEADLINE).cancel(jobId, reason)));
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "pause",
            description = "Hand out no more of its chunks; the ones rendering finish.")
    int pause(@Mixin ClientOptions client, @Mixin Output output, @Parameters(paramLabel = "JOB") String jobId)
            throws Exception {
        return print(
                output,
                Calls.with(
                        client,
                        channel -> new JobClient(channel, Calls.DEADLINE).pause(jobId, "paused by an operator")));
    }

    @Command(mixinStandardHelpOptions = true, name = "resume", description = "Hand out a paused job's chunks again.")
    int resume(@Mixin ClientOptions client, @Mixin Output output, @Parameters(paramLabel = "JOB") String jobId)
            throws Exception {
        return print(
                output,
                Calls.with(
                        client,
                        channel -> new JobClient(channel, Calls.DEADLINE).resume(jobId, "resumed by an operator")));
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "retry",
            description = "Run a failed or cancelled job again: only its chunks not done render.")
    int retry(@Mixin ClientOptions client, @Mixin Output output, @Parameters(paramLabel = "JOB") String jobId)
            throws Exception {
        return print(
                output,
                Calls.with(
                        client,
                        channel -> new JobClient(channel, Calls.DEADLINE).retry(jobId, "retried by an operator")));
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "priority",
            description = "Set the priority of a job's chunks still to be handed out (higher first).")
    int priority(
            @Mixin ClientOptions client,
            @Mixin Output output,
            @Parameters(index = "0", paramLabel = "JOB") String jobId,
            @Parameters(index = "1", paramLabel = "PRIORITY") int priority)
            throws Exception {
        return print(
                output,
                Calls.with(client, channel -> new JobClient(channel, Calls.DEADLINE).setPriority(jobId, priority)));
    }

    private int print(Output output, Job job) {
        Table table = Table.of("ID", "STATE", "PRIORITY", "DONE")
                .row(job.getId(), state(job.getState()), job.getPriority(), percent(job));
        output.print(out(), job, table);
        return ExitCodes.OK;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private static String state(JobState state) {
        return Output.state(state, "JOB_STATE_");
    }

    private static String percent(Job job) {
        return job.getTotalFrames() == 0 ? "-" : (100 * job.getFramesDone() / job.getTotalFrames()) + "%";
    }

    private static String duration(Chunk chunk) {
        if (chunk.getStartedAt().getSeconds() == 0 || chunk.getFinishedAt().getSeconds() == 0) {
            return "-";
        }
        long millis = (chunk.getFinishedAt().getSeconds() - chunk.getStartedAt().getSeconds()) * 1000
                + (chunk.getFinishedAt().getNanos() - chunk.getStartedAt().getNanos()) / 1_000_000;
        return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }

    /** Job states as typed on the command line. */
    enum State {
        queued,
        running,
        assembling,
        succeeded,
        failed,
        cancelled,
        paused;

        JobState proto() {
            return JobState.valueOf("JOB_STATE_" + name().toUpperCase(Locale.ROOT));
        }
    }
}
