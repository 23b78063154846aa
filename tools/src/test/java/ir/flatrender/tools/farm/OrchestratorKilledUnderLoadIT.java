package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.server.FarmToken;
import ir.flatrender.orchestrator.templates.SampleTemplates;
import ir.flatrender.tools.bench.SimulatedNodes;
import ir.flatrender.tools.jobs.JobClient;
import ir.flatrender.tools.templates.TemplateClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22: the orchestrator, in its own JVM, killed with SIGKILL while hundreds of simulated
 * nodes (the dispatch benchmark's, each its own connection and control stream) complete chunks
 * through its batched commits, then started again on the same database, data folder and port.
 * Every job still ends with every frame in exactly one accepted chunk; no accepted segment is
 * lost (each done chunk has its file, of its recorded attempt, on disk); no chunk is accepted
 * from two attempts, no attempt goes backwards and no done chunk comes undone. Like the
 * benchmark's, the orchestrator schedules only: its jobs stop at {@code assembling}.
 */
class OrchestratorKilledUnderLoadIT {
    private static final int NODES = 300;
    private static final Duration PER_FRAME = Duration.ofMillis(30);
    /** Jobs of the sample template: frames and frames a chunk, 2,200 chunks in all. */
    private static final int[][] JOBS = {
        {300, 1}, {300, 1}, {300, 1}, {300, 1}, {300, 1}, {300, 1}, {300, 3}, {300, 3}, {300, 3}, {300, 3}
    };

    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    /** Kept when the test fails: the orchestrators' logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path directory;

    private static OrchestratorProcess orchestrator;
    private static ManagedChannel channel;
    private static JobClient jobs;
    private static SimulatedNodes nodes;
    private static Jdbi jdbi;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        jdbi = postgres.database().jdbi();
        token = FarmToken.generate();
        orchestrator = OrchestratorProcess.schedulingOnly(
                postgres.config(),
                directory.resolve("orchestrator"),
                token,
                // A lease long enough for 300 nodes to reconnect to the restarted orchestrator on two
                // loaded cores; renewals batched every quarter heartbeat.
                List.of("--lease-timeout", "10s", "--heartbeat-interval", "1s"));
        orchestrator.start();
        channel = orchestrator.connect();
        jobs = new JobClient(channel, Duration.ofSeconds(20));
        new TemplateClient(channel, Duration.ofSeconds(30))
                .push(SampleTemplates.load(SampleTemplates.SAMPLE_PROMO).toZip(), "");
    }

    @AfterAll
    static void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    private static String submit(int index, int frames, int chunkFrames) {
        return jobs.submit(FarmChecks.job(
                        SampleTemplates.SAMPLE_PROMO, frames, chunkFrames, Map.of("title_en", "killed " + index)))
                .getJob()
                .getId();
    }

    private static long done(List<String> jobIds) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT count(*) FROM render.frame_jobs WHERE job_id = ANY(:jobs) AND state = 'done'")
                .bind("jobs", ids(jobIds))
                .mapTo(Long.class)
                .one());
    }

    private static int chunksOf(String jobId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT chunks_total FROM render.render_jobs WHERE id = :job")
                .bind("job", UUID.fromString(jobId))
                .mapTo(Integer.class)
                .one());
    }

    private static UUID[] ids(List<String> jobIds) {
        return jobIds.stream().map(UUID::fromString).toArray(UUID[]::new);
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout + "; logs in " + directory);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    @Test
    void jobsEndWholeWhenTheOrchestratorIsKilledInTheMiddleOfABatchUnderLoad() throws Exception {
        List<String> jobIds = new ArrayList<>();
        for (int i = 0; i < JOBS.length; i++) {
            jobIds.add(submit(i, JOBS[i][0], JOBS[i][1]));
        }
        long total = jdbi.withHandle(
                h -> h.createQuery("SELECT sum(chunks_total) FROM render.render_jobs WHERE id = ANY(:jobs)")
                        .bind("jobs", ids(jobIds))
                        .mapTo(Long.class)
                        .one());
        // The orchestrator under test takes segments by size and sha256 alone, so any bytes do.
        Path segment = Files.write(directory.resolve("segment.ts"), new byte[188 * 4]);
        long started = System.nanoTime();
        try (ChunkAttemptWatch watch = new ChunkAttemptWatch(jdbi, jobIds)) {
            nodes = SimulatedNodes.start(orchestrator.target(), token, "sim", NODES, 1, PER_FRAME, segment);

            // Mid-flow: a third of the chunks done and completions still arriving, so that the kill
            // lands among uploads, claims and lease renewals in flight.
            long[] last = {0};
            await("a third of the chunks done, completions arriving", Duration.ofSeconds(90), () -> {
                long before = last[0];
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(150));
                last[0] = done(jobIds);
                return last[0] >= total / 3 && last[0] > before;
            });
            long acceptedBeforeKill = nodes.completed();
            long killedAt = System.nanoTime();
            orchestrator.kill();
            long doneAtKill = done(jobIds);
            orchestrator.start();
            double restartSeconds = secondsSince(killedAt);
            await("a completion after the restart", Duration.ofSeconds(60), () -> done(jobIds) > doneAtKill);
            double firstCompletionSeconds = secondsSince(killedAt);
            await("every node back", Duration.ofSeconds(60), () -> nodes.welcomed() == NODES);
            double reconnectSeconds = secondsSince(killedAt);
            await("every chunk done", Duration.ofSeconds(120), () -> done(jobIds) == total);
            double allDoneSeconds = secondsSince(started);
            List<String> violations = watch.violations();

            System.out.printf(
                    "%d nodes, %d chunks: %d done at the kill (%d uploads answered before it), %d after;"
                            + " the orchestrator back in %.1f s, the first completion %.1f s and every node"
                            + " %.1f s after the kill; all done %.1f s after the nodes started; %d reads of"
                            + " the chunks watched%n",
                    NODES,
                    total,
                    doneAtKill,
                    acceptedBeforeKill,
                    total - doneAtKill,
                    restartSeconds,
                    firstCompletionSeconds,
                    reconnectSeconds,
                    allDoneSeconds,
                    watch.reads());
            assertThat(doneAtKill).as("chunks done at the kill").isBetween(1L, total - 1);
            assertThat(violations).as("attempts gone back, done chunks undone").isEmpty();
        }
        // One accepted segment a chunk, of its current attempt; every frame in exactly one chunk.
        for (String jobId : jobIds) {
            FarmChecks.assertEachChunkAcceptedOnce(jdbi, jobId, chunksOf(jobId));
            FarmChecks.assertFramesCovered(jdbi, jobId);
        }
        // Each of those segments on disk, from an attempt never also recorded lost.
        FarmChecks.assertAcceptedSegmentsKept(jdbi, directory.resolve("orchestrator"), jobIds);
        // Every upload a node was told was accepted is a done chunk, and none is one twice.
        assertThat(nodes.completed()).as("uploads answered as accepted").isLessThanOrEqualTo(total);
        Map<String, Long> lost = FarmChecks.lostAttempts(jdbi, jobIds);
        System.out.printf(
                "uploads answered as accepted %d of %d chunks; attempts lost to the kill: %s%n",
                nodes.completed(), total, lost);
        // Issue 22: the kill charges no node. Nodes retry their uploads and keep listing their
        // attempts until the restarted orchestrator answers, and it gives them a lease period
        // from its start to reconnect before it reaps leases that ran out while it was away.
        assertThat(lost).as("attempts lost to the kill").doesNotContainKeys("node_lost", "lease_expired");
        List<String> states = jdbi.withHandle(
                h -> h.createQuery("SELECT DISTINCT state FROM render.render_jobs WHERE id = ANY(:jobs)")
                        .bind("jobs", ids(jobIds))
                        .mapTo(String.class)
                        .list());
        assertThat(states).as("the jobs' states: all chunks done, no assembler").containsExactly("assembling");
    }
}
