package ir.flatrender.tools.jobs;

import io.grpc.ManagedChannel;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.RenderSnapshotRequest;
import ir.flatrender.proto.farm.v1.Snapshot;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.admin.Output;
import ir.flatrender.tools.options.BindingOptions;
import ir.flatrender.tools.options.ClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
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
        name = "snapshot",
        description = "Render one still frame of a template (served from the snapshot cache when it was made before).",
        footer = {
            "",
            "Example:",
            "  flatrender snapshot --template sample-promo --frame 120 --set accent='#1e88e5' --out preview.png"
        })
public final class SnapshotCommand implements Callable<Integer> {
    @ParentCommand
    FlatRender root;

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Mixin
    BindingOptions bindings;

    @Option(names = "--template", required = true, description = "Template id.")
    String template;

    @Option(names = "--aspect", defaultValue = "16:9", description = "16:9, 1:1 or 9:16 (default: ${DEFAULT-VALUE}).")
    String aspect;

    @Option(
            names = "--tier",
            defaultValue = "720p",
            description = "The still's size by its short side (default: ${DEFAULT-VALUE}).")
    String tier;

    @Option(names = "--frame", defaultValue = "0", description = "Frame number (default: ${DEFAULT-VALUE}).")
    int frame;

    @Option(names = "--format", defaultValue = "png", description = "png or jpeg (default: ${DEFAULT-VALUE}).")
    String format;

    @Mixin
    Output output;

    @Option(names = "--out", required = true, description = "Where to write the picture.")
    Path out;

    @Override
    public Integer call() throws Exception {
        ManagedChannel channel = client.channel();
        try {
            long started = System.nanoTime();
            Snapshot snapshot = JobServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(2, TimeUnit.MINUTES)
                    .renderSnapshot(RenderSnapshotRequest.newBuilder()
                            .setTemplateId(template)
                            .setAspect(aspect)
                            .setTier(tier)
                            .setFrame(frame)
                            .setFormat(format)
                            .setBindings(bindings.struct())
                            .build());
            Path target = out.toAbsolutePath();
            Files.createDirectories(target.getParent());
            Files.write(target, snapshot.getImage().toByteArray());
            if (output.json()) {
                // The picture is in the file; the answer without its bytes.
                spec.commandLine()
                        .getOut()
                        .println(Output.json(snapshot.toBuilder().clearImage()));
                spec.commandLine().getOut().flush();
                return 0;
            }
            spec.commandLine()
                    .getOut()
                    .printf(
                            "snapshot %s: %dx%d %s, %s in %d ms%n",
                            target,
                            snapshot.getSize().getWidth(),
                            snapshot.getSize().getHeight(),
                            snapshot.getFormat(),
                            snapshot.getCached() ? "from the cache" : "rendered",
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            spec.commandLine().getOut().flush();
            return 0;
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
