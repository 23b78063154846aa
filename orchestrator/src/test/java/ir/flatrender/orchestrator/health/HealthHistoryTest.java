package ir.flatrender.orchestrator.health;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.migrations.testing.TestingPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Node health samples kept at their interval, in monthly partitions made ahead and dropped past retention. */
class HealthHistoryTest {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    /** A clock the test moves. */
    private static final class TestingClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        void advance(Duration by) {
            now.updateAndGet(instant -> instant.plus(by));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    private static List<String> partitions() {
        return postgres.database()
                .jdbi()
                .withHandle(h -> h.createQuery("""
                                SELECT c.relname FROM pg_inherits i
                                JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
                                WHERE p.relname = 'node_health_logs' ORDER BY 1
                                """).mapTo(String.class).list());
    }

    private static String partition(YearMonth month) {
        return "node_health_logs_%04d_%02d".formatted(month.getYear(), month.getMonthValue());
    }

    @Test
    void partitionsAreMadeAheadAndOldOnesDropped() {
        postgres.database().jdbi().useHandle(h -> h.execute("""
                CREATE TABLE render.node_health_logs_2020_01 PARTITION OF render.node_health_logs
                FOR VALUES FROM ('2020-01-01') TO ('2020-02-01')
                """));
        try (HealthHistory history = new HealthHistory(
                postgres.database().jdbi(),
                new HealthConfig(Duration.ofSeconds(30), Duration.ofDays(90), 4),
                Clock.systemUTC())) {
            history.maintain();
        }
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        assertThat(partitions())
                .doesNotContain("node_health_logs_2020_01")
                .contains(partition(now), partition(now.plusMonths(1)), partition(now.plusMonths(4)))
                .doesNotContain(partition(now.plusMonths(5)));
    }

    @Test
    void aSampleIsKeptEveryIntervalNotEveryHeartbeat() {
        UUID node = UUID.randomUUID();
        postgres.database()
                .jdbi()
                .useHandle(h -> h.createUpdate(
                                "INSERT INTO render.nodes (id, name, slots, state) VALUES (:id, 'health-node', 2, 'online')")
                        .bind("id", node)
                        .execute());
        TestingClock clock = new TestingClock();
        NodeSample heartbeat = new NodeSample(0.25, 1.5, 4L << 30, 16L << 30, 100L << 30, null, null, 1);
        try (HealthHistory history = new HealthHistory(
                postgres.database().jdbi(), new HealthConfig(Duration.ofSeconds(30), Duration.ofDays(90), 2), clock)) {
            history.record(node, heartbeat);
            clock.advance(Duration.ofSeconds(2));
            history.record(node, heartbeat);
            clock.advance(Duration.ofSeconds(29));
            history.record(node, heartbeat);
        }
        List<String> rows = postgres.database()
                .jdbi()
                .withHandle(h -> h.createQuery("""
                                SELECT cpu_load || ' ' || load_average || ' ' || memory_used_bytes || ' '
                                       || disk_free_bytes || ' ' || running_chunks || ' ' || (gpu_load IS NULL)
                                FROM render.node_health_logs WHERE node_id = :node
                                """)
                        .bind("node", node)
                        .mapTo(String.class)
                        .list());
        assertThat(rows)
                .containsExactly("0.25 1.5 4294967296 107374182400 1 true", "0.25 1.5 4294967296 107374182400 1 true");
    }
}
