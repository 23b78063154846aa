package ir.flatrender.gateway;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.MoreExecutors;
import ir.flatrender.gateway.billing.Invoices;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every six hours: the audit and request logs' partitions two months ahead, and last month's reseller invoices. */
final class Housekeeping implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final Jdbi jdbi;
    private final Invoices invoices;
    private final ScheduledExecutorService timer;

    Housekeeping(Jdbi jdbi, Invoices invoices) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.invoices = requireNonNull(invoices, "invoices is null");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "identity-housekeeping");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Makes this month's partitions now (answers how many were made), then keeps house every six hours. */
    int start() {
        int made = makePartitions();
        timer.scheduleWithFixedDelay(this::run, 0, 6, TimeUnit.HOURS);
        return made;
    }

    private int makePartitions() {
        return jdbi.withHandle(h -> h.createQuery("SELECT identity.make_monthly_partitions(2)")
                .mapTo(Integer.class)
                .one());
    }

    private void run() {
        try {
            makePartitions();
            int invoiced = invoices.make(YearMonth.now(ZoneOffset.UTC).minusMonths(1));
            if (invoiced > 0) {
                log.info("{} reseller invoice(s) made for last month", invoiced);
            }
        } catch (RuntimeException e) {
            log.warn("identity housekeeping failed; it runs again: {}", e.toString());
        }
    }

    @Override
    public void close() {
        MoreExecutors.shutdownAndAwaitTermination(timer, Duration.ofSeconds(10));
    }
}
