package ir.flatrender.tools.jobs;

import io.grpc.ManagedChannel;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.options.ClientOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "watch",
        description = "Follow a job's progress until it ends; prints the output's location.",
        footer = {"", "Example:", "  flatrender watch 3f0c…  --out promo.mp4"})
public final class WatchCommand implements Callable<Integer> {
    @ParentCommand
    FlatRender root;

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "JOB", description = "The job id.")
    String jobId;

    @Option(names = "--out", description = "Download the finished video to this file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        ManagedChannel channel = client.channel();
        try {
            return Follow.follow(
                    new JobClient(channel, Duration.ofSeconds(30)),
                    jobId,
                    spec.commandLine().getOut(),
                    spec.commandLine().getErr(),
                    root.interactive(),
                    Optional.ofNullable(out));
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
