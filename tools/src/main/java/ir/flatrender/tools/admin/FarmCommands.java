package ir.flatrender.tools.admin;

import ir.flatrender.proto.farm.v1.Crash;
import ir.flatrender.proto.farm.v1.FrameRange;
import ir.flatrender.proto.farm.v1.ListCrashesRequest;
import ir.flatrender.proto.farm.v1.ListCrashesResponse;
import ir.flatrender.proto.farm.v1.ListRepairsRequest;
import ir.flatrender.proto.farm.v1.ListRepairsResponse;
import ir.flatrender.proto.farm.v1.PurgeSnapshotsRequest;
import ir.flatrender.proto.farm.v1.PurgeSnapshotsResponse;
import ir.flatrender.proto.farm.v1.Repair;
import ir.flatrender.proto.farm.v1.RequeueChunksRequest;
import ir.flatrender.proto.farm.v1.RequeueChunksResponse;
import ir.flatrender.tools.ExitCodes;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.options.ClientOptions;
import ir.flatrender.tools.options.DurationConverter;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The farm-wide operator commands: chunks, crashes, repairs, snapshots. */
public final class FarmCommands {
    private FarmCommands() {}

    /** The first and last frame of {@code A-B}. */
    static FrameRange frames(String text) {
        String[] parts = text.strip().split("-", -1);
        try {
            if (parts.length == 2) {
                int start = Integer.parseInt(parts[0].strip());
                int end = Integer.parseInt(parts[1].strip());
                if (start >= 0 && end >= start) {
                    return FrameRange.newBuilder().setStart(start).setEnd(end).build();
                }
            }
        } catch (NumberFormatException e) {
            // Said below.
        }
        throw new IllegalArgumentException("--frames must be A-B with 0 ≤ A ≤ B, e.g. 0-59, but was '" + text + "'");
    }

    public static String range(FrameRange frames) {
        return frames.getStart() + "-" + frames.getEnd();
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "chunks",
            description = "Chunks of a job.",
            subcommands = CommandLine.HelpCommand.class,
            footer = {"", "Example:", "  flatrender chunks requeue 3f0c… --frames 120-179 --yes"})
    public static final class ChunksCommand {
        @ParentCommand
        FlatRender root;

        @Spec
        CommandSpec spec;

        @Command(
                mixinStandardHelpOptions = true,
                name = "requeue",
                description = "Render a job's chunks again (all, or those overlapping --frames); a job that"
                        + " ended runs and is assembled again.")
        int requeue(
                @Mixin ClientOptions client,
                @Mixin Output output,
                @Mixin Confirm confirm,
                @Parameters(paramLabel = "JOB") String jobId,
                @Option(names = "--frames", paramLabel = "A-B", description = "Only chunks overlapping these frames.")
                        String frames,
                @Option(names = "--reason", defaultValue = "requeued by an operator") String reason)
                throws Exception {
            RequeueChunksRequest.Builder request =
                    RequeueChunksRequest.newBuilder().setJobId(jobId).setReason(reason);
            if (frames != null) {
                request.setFrames(frames(frames));
            }
            confirm.check(
                    spec.commandLine(),
                    root.interactive(),
                    "Render " + (frames == null ? "every chunk" : "frames " + frames) + " of job " + jobId + " again?");
            RequeueChunksResponse response =
                    Calls.with(client, channel -> new AdminClient(channel, Calls.DEADLINE).requeue(request.build()));
            Table table = Table.of("FRAMES", "JOB STATE");
            response.getRequeuedList().forEach(range -> table.row(range(range), response.getJobState()));
            output.print(spec.commandLine().getOut(), response, table);
            return ExitCodes.OK;
        }
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "crashes",
            description = "Failed chunk attempts (render.node_crashes).",
            subcommands = CommandLine.HelpCommand.class,
            footer = {
                "",
                "Examples:",
                "  flatrender crashes list --since 2h",
                "  flatrender crashes list --node ae-3 -o json"
            })
    public static final class CrashesCommand {
        @Spec
        CommandSpec spec;

        @Command(
                mixinStandardHelpOptions = true,
                name = "list",
                description = "Newest first: node, job, chunk attempt, kind, exit code, message.")
        int list(
                @Mixin ClientOptions client,
                @Mixin Output output,
                @Option(names = "--node") String node,
                @Option(names = "--job") String jobId,
                @Option(names = "--since", converter = Since.class, description = "30m, 2h, 7d or an ISO time.")
                        Instant since,
                @Option(names = "--limit", defaultValue = "50") int limit,
                @Option(names = "--log-tail", description = "Also print the last lines each program printed.")
                        boolean logTail)
                throws Exception {
            ListCrashesRequest.Builder request = ListCrashesRequest.newBuilder().setLimit(limit);
            if (node != null) {
                request.setNode(node);
            }
            if (jobId != null) {
                request.setJobId(jobId);
            }
            if (since != null) {
                request.setSince(Since.timestamp(since));
            }
            ListCrashesResponse response =
                    Calls.with(client, channel -> new AdminClient(channel, Calls.DEADLINE).crashes(request.build()));
            Table table = Table.of("TIME", "NODE", "JOB", "ATTEMPT", "ENGINE", "KIND", "EXIT", "MESSAGE");
            for (Crash crash : response.getCrashesList()) {
                table.row(
                        Output.time(crash.getCreatedAt()),
                        crash.getNodeName(),
                        crash.getJobId(),
                        crash.getAttempt(),
                        crash.getEngine(),
                        crash.getKind(),
                        crash.getExitCode() < 0 ? "-" : crash.getExitCode(),
                        crash.getMessage());
            }
            output.print(spec.commandLine().getOut(), response, table);
            if (logTail && !output.json()) {
                for (Crash crash : response.getCrashesList()) {
                    spec.commandLine()
                            .getOut()
                            .printf(
                                    "%n--- %s attempt %d on %s%n%s%n",
                                    crash.getChunkId(), crash.getAttempt(), crash.getNodeName(), crash.getLogTail());
                }
                spec.commandLine().getOut().flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "repairs",
            description = "Frames rendered again after checks found them wrong (render.frame_repair_jobs).",
            subcommands = CommandLine.HelpCommand.class,
            footer = {"", "Example:", "  flatrender repairs list --job 3f0c…"})
    public static final class RepairsCommand {
        @Spec
        CommandSpec spec;

        @Command(
                mixinStandardHelpOptions = true,
                name = "list",
                description = "Newest first: job, frames, which check found them, state, reason.")
        int list(
                @Mixin ClientOptions client,
                @Mixin Output output,
                @Option(names = "--job") String jobId,
                @Option(names = "--limit", defaultValue = "50") int limit)
                throws Exception {
            ListRepairsRequest.Builder request = ListRepairsRequest.newBuilder().setLimit(limit);
            if (jobId != null) {
                request.setJobId(jobId);
            }
            ListRepairsResponse response =
                    Calls.with(client, channel -> new AdminClient(channel, Calls.DEADLINE).repairs(request.build()));
            output.print(spec.commandLine().getOut(), response, repairs(response.getRepairsList()));
            return ExitCodes.OK;
        }
    }

    public static Table repairs(java.util.List<Repair> repairs) {
        Table table = Table.of("TIME", "JOB", "FRAMES", "TIER", "FOUND BY", "STATE", "REASON");
        for (Repair repair : repairs) {
            table.row(
                    Output.time(repair.getCreatedAt()),
                    repair.getJobId(),
                    range(repair.getFrames()),
                    repair.getTier().isEmpty() ? "-" : repair.getTier(),
                    repair.getDetectedBy(),
                    repair.getState(),
                    repair.getReason());
        }
        return table;
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "snapshots",
            description = "The cache of preview stills.",
            subcommands = CommandLine.HelpCommand.class,
            footer = {
                "",
                "Examples:",
                "  flatrender snapshots purge --unused-for 30d --yes",
                "  flatrender snapshots purge --template sample-promo --yes"
            })
    public static final class SnapshotsCommand {
        @ParentCommand
        FlatRender root;

        @Spec
        CommandSpec spec;

        @Command(
                mixinStandardHelpOptions = true,
                name = "purge",
                description = "Delete cached snapshots: all, one template's, or those not used lately.")
        int purge(
                @Mixin ClientOptions client,
                @Mixin Output output,
                @Mixin Confirm confirm,
                @Option(names = "--template") String templateId,
                @Option(
                                names = "--unused-for",
                                converter = DurationConverter.class,
                                description = "Only those not served for this long (e.g. 30d).")
                        Duration unusedFor)
                throws Exception {
            PurgeSnapshotsRequest.Builder request = PurgeSnapshotsRequest.newBuilder();
            if (templateId != null) {
                request.setTemplateId(templateId);
            }
            if (unusedFor != null) {
                request.setUnusedSince(Since.timestamp(Instant.now().minus(unusedFor)));
            }
            confirm.check(
                    spec.commandLine(),
                    root.interactive(),
                    "Delete the cached snapshots" + (templateId == null ? "" : " of " + templateId)
                            + (unusedFor == null ? "" : " not used for " + unusedFor.toDays() + " day(s)") + "?");
            PurgeSnapshotsResponse response = Calls.with(
                    client, channel -> new AdminClient(channel, Calls.DEADLINE).purgeSnapshots(request.build()));
            Table table =
                    Table.of("DELETED", "FREED").row(response.getDeleted(), Output.bytes(response.getBytesFreed()));
            output.print(spec.commandLine().getOut(), response, table);
            return ExitCodes.OK;
        }
    }
}
