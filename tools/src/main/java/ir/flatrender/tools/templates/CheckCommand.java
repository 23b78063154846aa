package ir.flatrender.tools.templates;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import ir.flatrender.proto.farm.v1.FrameRange;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.proto.farm.v1.Template;
import ir.flatrender.proto.farm.v1.TemplateAspect;
import ir.flatrender.tools.admin.Output;
import ir.flatrender.tools.admin.Table;
import ir.flatrender.tools.jobs.JobClient;
import ir.flatrender.tools.options.ClientOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Renders templates through the farm, one job at a time, every aspect each offers, and prints
 * how fast each went: a smoke test of the pack on a farm and the figures BENCHMARKS.md keeps.
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = "Render templates through the farm (every aspect, default bindings) and print a table:"
                + " template, aspect, frames, fps achieved, seconds. Exits 1 when any render failed.")
final class CheckCommand implements Callable<Integer> {
    private static final List<String> ORDER = List.of("16:9", "1:1", "9:16");

    @ParentCommand
    TemplatesCommand parent;

    @Mixin
    ClientOptions client;

    @Mixin
    Output output;

    @Parameters(arity = "0..*", paramLabel = "TEMPLATE", description = "Templates to check (or --all).")
    List<String> templates = new ArrayList<>();

    @Option(names = "--all", description = "Every template the farm has.")
    boolean all;

    @Option(names = "--tier", defaultValue = "720p", description = "The tier to render at (default: ${DEFAULT-VALUE}).")
    String tier;

    @Option(names = "--aspect", description = "Only this aspect (16:9, 1:1 or 9:16); default: every one offered.")
    List<String> aspects = new ArrayList<>();

    @Option(
            names = "--frames",
            defaultValue = "0",
            description = "Render only the first N frames of each (default: the whole length).")
    int frames;

    @Option(names = "--chunk-frames", defaultValue = "0", description = "Frames a chunk (default: the farm's choice).")
    int chunkFrames;

    /** One render's figures. */
    record Result(String template, String aspect, int frames, double seconds, String state, String error) {
        double fps() {
            return seconds > 0 ? frames / seconds : 0;
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = parent.spec.commandLine().getOut();
        PrintWriter err = parent.spec.commandLine().getErr();
        if (all == !templates.isEmpty()) {
            err.println("name templates to check, or --all (not both)");
            return 2;
        }
        if (frames < 0 || chunkFrames < 0) {
            err.println("--frames and --chunk-frames must not be negative");
            return 2;
        }
        ManagedChannel channel = client.channel();
        try {
            TemplateClient catalog = new TemplateClient(channel, Duration.ofSeconds(30));
            JobClient jobs = new JobClient(channel, Duration.ofSeconds(30));
            List<Template> known = catalog.list("");
            List<Template> chosen = new ArrayList<>();
            if (all) {
                chosen.addAll(known);
            } else {
                for (String id : templates) {
                    chosen.add(known.stream()
                            .filter(t -> t.getId().equals(id))
                            .findFirst()
                            .orElseThrow(() -> new IllegalArgumentException("the farm has no template " + id)));
                }
            }
            List<Result> results = new ArrayList<>();
            for (Template template : chosen) {
                // In the pack's order (the farm keeps aspects in a JSON object, which has none).
                List<TemplateAspect> offered = template.getAspectsList().stream()
                        .sorted(java.util.Comparator.comparingInt(a -> ORDER.indexOf(a.getAspect())))
                        .toList();
                for (TemplateAspect aspect : offered) {
                    if (!aspects.isEmpty() && !aspects.contains(aspect.getAspect())) {
                        continue;
                    }
                    Result result = render(jobs, template, aspect.getAspect());
                    results.add(result);
                    if (!output.json()) {
                        err.printf(
                                Locale.ROOT,
                                "%s %s: %s, %d frames in %.1f s%n",
                                result.template(),
                                result.aspect(),
                                result.state(),
                                result.frames(),
                                result.seconds());
                        err.flush();
                    }
                }
            }
            print(out, results);
            return results.stream().allMatch(r -> r.state().equals("succeeded")) ? 0 : 1;
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private Result render(JobClient jobs, Template template, String aspect) {
        int length = frames > 0 ? Math.min(frames, template.getDurationFrames()) : template.getDurationFrames();
        SubmitJobRequest.Builder request = SubmitJobRequest.newBuilder()
                .setTemplateId(template.getId())
                .setAspect(aspect)
                .setTier(tier)
                .setFrames(FrameRange.newBuilder().setStart(0).setEnd(length - 1))
                .setIdempotencyKey("templates-check-" + java.util.UUID.randomUUID());
        if (chunkFrames > 0) {
            request.setChunkFrames(chunkFrames);
        }
        Job submitted = jobs.submit(request.build()).getJob();
        Job done = jobs.follow(submitted.getId(), progress -> {});
        double seconds = between(done.getCreatedAt(), done.getFinishedAt());
        String state = done.getState() == JobState.JOB_STATE_SUCCEEDED
                ? "succeeded"
                : done.getState().name().replace("JOB_STATE_", "").toLowerCase(Locale.ROOT);
        return new Result(template.getId(), aspect, length, seconds, state, done.getError());
    }

    private static double between(Timestamp from, Timestamp to) {
        return (to.getSeconds() - from.getSeconds()) + (to.getNanos() - from.getNanos()) / 1e9;
    }

    private void print(PrintWriter out, List<Result> results) throws Exception {
        if (output.json()) {
            ObjectMapper json = new ObjectMapper();
            ObjectNode root = json.createObjectNode().put("tier", tier);
            ArrayNode rows = root.putArray("renders");
            for (Result result : results) {
                rows.addObject()
                        .put("template", result.template())
                        .put("aspect", result.aspect())
                        .put("frames", result.frames())
                        .put("fps", Math.round(result.fps() * 100) / 100.0)
                        .put("seconds", Math.round(result.seconds() * 100) / 100.0)
                        .put("state", result.state())
                        .put("error", result.error());
            }
            out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            Table table = Table.of("TEMPLATE", "ASPECT", "FRAMES", "FPS", "SECONDS", "STATE");
            for (Result result : results) {
                table.row(
                        result.template(),
                        result.aspect(),
                        result.frames(),
                        String.format(Locale.ROOT, "%.2f", result.fps()),
                        String.format(Locale.ROOT, "%.1f", result.seconds()),
                        result.state().equals("succeeded") ? "ok" : result.state() + ": " + result.error());
            }
            table.print(out);
        }
        out.flush();
    }
}
