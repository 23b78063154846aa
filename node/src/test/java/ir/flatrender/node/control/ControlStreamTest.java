package ir.flatrender.node.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class ControlStreamTest {
    @Test
    void backoffGrowsToItsCapWithJitterBelowIt() {
        ManagedChannel channel =
                NettyChannelBuilder.forTarget("127.0.0.1:1").usePlaintext().build();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            ControlStream stream = new ControlStream(
                    channel, new NoListener(), timer, timer, Duration.ofMillis(500), Duration.ofSeconds(15));
            for (int failures = 0; failures < 40; failures++) {
                long base = Math.min(15_000, 500L << Math.min(20, failures));
                for (int sample = 0; sample < 50; sample++) {
                    long delay = stream.backoffMillis(failures);
                    assertThat(delay).isBetween(base / 2, base);
                }
            }
        } finally {
            channel.shutdownNow();
            timer.shutdownNow();
        }
    }

    private static final class NoListener implements ControlStream.Listener {
        @Override
        public ir.flatrender.proto.farm.v1.Hello hello() {
            return ir.flatrender.proto.farm.v1.Hello.getDefaultInstance();
        }

        @Override
        public ir.flatrender.proto.farm.v1.Heartbeat heartbeat() {
            return ir.flatrender.proto.farm.v1.Heartbeat.getDefaultInstance();
        }

        @Override
        public void onWelcome(ir.flatrender.proto.farm.v1.Welcome welcome) {}

        @Override
        public void onAssign(ir.flatrender.proto.farm.v1.AssignChunk assign) {}

        @Override
        public void onCancel(ir.flatrender.proto.farm.v1.CancelChunk cancel) {}

        @Override
        public void onDrain(ir.flatrender.proto.farm.v1.Drain drain) {}

        @Override
        public void onDisconnected(String why) {}
    }
}
