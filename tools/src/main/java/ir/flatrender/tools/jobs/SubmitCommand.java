package ir.flatrender.tools.jobs;

import io.grpc.ManagedChannel;
import ir.flatrender.proto.farm.v1.AudioTrack;
import ir.flatrender.proto.farm.v1.FrameRange;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.proto.farm.v1.SubmitJobResponse;
import ir.flatrender.tools.ExitCodes;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.admin.Output;
import ir.flatrender.tools.options.BindingOptions;
import ir.flatrender.tools.options.ClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "submit",
        description = "Submit a render job; prints its id (and, with --wait, follows it to the end).",
        footer = {
            "",
            "Examples:",
            "  flatrender submit --template sample-promo --aspect 9:16 --tier 720p \\",
            "      --set title_en='Grand opening' --set accent='#1e88e5' --wait --out promo.mp4",
            "  flatrender submit --template sample-promo --bindings bindings.json --frames 0-89"
        })
public final class SubmitCommand implements Callable<Integer> {
    @ParentCommand
    FlatRender root;

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Mixin
    Output output;

    @Option(names = "--template", required = true, description = "Template id.")
    String template;

    @Option(
            names = "--template-version",
            defaultValue = "0",
            description = "Template version (default: the current one).")
    int templateVersion;

    @Option(names = "--aspect", defaultValue = "16:9", description = "16:9, 1:1 or 9:16 (default: ${DEFAULT-VALUE}).")
    String aspect;

    @Option(
            names = "--tier",
            defaultValue = "1080p",
            description = "360p, 480p, 720p, 1080p, 1440p or 2160p (default: ${DEFAULT-VALUE}).")
    String tier;

    @Mixin
    BindingOptions bindings;

    @Option(
            names = "--extra-tier",
            paramLabel = "TIER",
            description = "Another tier made from the same render; repeatable.")
    java.util.List<String> extraTiers = new java.util.ArrayList<>();

    @Option(
            names = "--audio",
            paramLabel = "ROLE=SOURCE[@VOLUME][+START]",
            description =
                    "A sound mixed in: ROLE music, voiceover or sfx; SOURCE a local file (sent along) or a file of the "
                            + "template package; VOLUME 0-2 (default 1); START seconds. Repeatable. E.g. music=song.mp3@0.3")
    java.util.List<String> audio = new java.util.ArrayList<>();

    @Option(names = "--frames", paramLabel = "A-B", description = "Render only frames A to B (inclusive).")
    String frames;

    @Option(names = "--fps", defaultValue = "0", description = "Frames per second (default: the template's).")
    int fps;

    @Option(
            names = "--priority",
            defaultValue = "0",
            description = "-100 … 100, higher first (default: ${DEFAULT-VALUE}).")
    int priority;

    @Option(names = "--idempotency-key", description = "Submitting again with the same key returns the same job.")
    String idempotencyKey;

    @Option(names = "--tenant", description = "Tenant id (default: the default tenant).")
    String tenant;

    @Option(names = "--wait", description = "Follow the job until it ends.")
    boolean await;

    @Option(names = "--out", description = "With --wait, download the video to this file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        SubmitJobRequest.Builder request = SubmitJobRequest.newBuilder()
                .setTemplateId(template)
                .setTemplateVersion(templateVersion)
                .setAspect(aspect)
                .setTier(tier)
                .setFps(fps)
                .setPriority(priority)
                .setBindings(bindings.struct())
                .addAllExtraTiers(extraTiers)
                .addAllAudio(audio.stream().map(SubmitCommand::audioTrack).toList());
        if (frames != null) {
            request.setFrames(frames(frames));
        }
        if (idempotencyKey != null) {
            request.setIdempotencyKey(idempotencyKey);
        }
        if (tenant != null) {
            request.setTenantId(tenant);
        }
        ManagedChannel channel = client.channel();
        try {
            JobClient jobs = new JobClient(channel, Duration.ofSeconds(30));
            SubmitJobResponse response = jobs.submit(request.build());
            Job job = response.getJob();
            if (output.json()) {
                spec.commandLine().getOut().println(Output.json(response));
            } else {
                spec.commandLine()
                        .getOut()
                        .printf(
                                "job %s %s: %s %s %s, %dx%d, %d frames in %d chunks%n",
                                job.getId(),
                                response.getCreated() ? "queued" : "already existed",
                                job.getTemplateId(),
                                job.getAspect(),
                                job.getTier(),
                                job.getOutputSize().getWidth(),
                                job.getOutputSize().getHeight(),
                                job.getTotalFrames(),
                                job.getChunksTotal());
            }
            spec.commandLine().getOut().flush();
            // Not refusals: the job is queued; standard error, so -o json's answer stays alone.
            for (String warning : job.getWarningsList()) {
                spec.commandLine().getErr().printf("warning: %s%n", warning);
            }
            spec.commandLine().getErr().flush();
            if (!await) {
                return ExitCodes.OK;
            }
            return Follow.follow(
                    jobs,
                    job.getId(),
                    // With -o json the standard output holds the answer alone; progress goes beside it.
                    output.json()
                            ? spec.commandLine().getErr()
                            : spec.commandLine().getOut(),
                    spec.commandLine().getErr(),
                    root.interactive(),
                    Optional.ofNullable(out));
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Reads ROLE=SOURCE[@VOLUME][+START]; a local file is sent along as a data: URI. */
    static AudioTrack audioTrack(String text) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile(
                        "([a-z]+)=(.+?)(?:@([0-9.]+))?(?:\\+([0-9.]+))?")
                .matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    "--audio must be ROLE=SOURCE[@VOLUME][+START], e.g. music=song.mp3@0.3, not '" + text + "'");
        }
        String source = matcher.group(2);
        Path file = Path.of(source);
        if (Files.isRegularFile(file)) {
            try {
                String type = source.toLowerCase(java.util.Locale.ROOT).endsWith(".wav") ? "audio/wav" : "audio/mpeg";
                source = "data:" + type + ";base64,"
                        + java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(file));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + file, e);
            }
        }
        return AudioTrack.newBuilder()
                .setRole(matcher.group(1))
                .setSource(source)
                .setVolume(matcher.group(3) == null ? 1.0 : Double.parseDouble(matcher.group(3)))
                .setStartSeconds(matcher.group(4) == null ? 0 : Double.parseDouble(matcher.group(4)))
                .build();
    }

    private static FrameRange frames(String text) {
        String[] parts = text.split("-");
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            return FrameRange.newBuilder()
                    .setStart(Integer.parseInt(parts[0].strip()))
                    .setEnd(Integer.parseInt(parts[1].strip()))
                    .build();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--frames must be A-B, e.g. 0-89, but was '" + text + "'");
        }
    }
}
