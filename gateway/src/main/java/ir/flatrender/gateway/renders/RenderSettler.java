package ir.flatrender.gateway.renders;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.MoreExecutors;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the renders still open, every {@code period}, on a thread of its own: each is
 * settled by {@link RenderOrders#settleOpen()} once its job ends.
 */
public final class RenderSettler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RenderSettler.class);

    private final RenderOrders orders;
    private final ScheduledExecutorService timer;

    public RenderSettler(RenderOrders orders, Duration period) {
        this.orders = requireNonNull(orders, "orders is null");
        requireNonNull(period, "period is null");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "render-settler");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::sweep, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One pass over the open renders; public for tests that need a settlement now. */
    public void sweep() {
        try {
            orders.settleOpen();
        } catch (RuntimeException e) {
            log.warn("render settlement failed; it is tried again: {}", e.toString());
        }
    }

    @Override
    public void close() {
        MoreExecutors.shutdownAndAwaitTermination(timer, Duration.ofSeconds(10));
    }
}
