package ir.flatrender.tools.admin;

import io.grpc.ManagedChannel;
import ir.flatrender.tools.options.ClientOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Opens a channel for one command's calls and closes it after. */
public final class Calls {
    public static final Duration DEADLINE = Duration.ofSeconds(30);

    @FunctionalInterface
    public interface Work<T> {
        T run(ManagedChannel channel) throws Exception;
    }

    private Calls() {}

    public static <T> T with(ClientOptions client, Work<T> work) throws Exception {
        ManagedChannel channel = client.channel();
        try {
            return work.run(channel);
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
