package ir.flatrender.orchestrator.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.OrchestratorConfig;
import ir.flatrender.orchestrator.scheduling.SchedulerConfig;
import ir.flatrender.orchestrator.testing.TestingNodeStream;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.proto.farm.v1.AssignChunk;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.Heartbeat;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.NodeEvent;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 22: the restart grace ({@link RestartGrace}). Attempts whose leases ran out while no
 * orchestrator was there are kept by nodes that come back while the farm is still reconnecting,
 * even past one lease from the start, and what no node claims is reaped as {@code lease_expired}
 * once the nodes stop coming back.
 */
class RestartGraceIT {
    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final UnaryOperator<OrchestratorConfig.Builder> TIMING =
            config -> config.scheduler(new SchedulerConfig(
                    LEASE, Duration.ofMillis(300), Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ZERO));

    /** Each test restarts the farm and counts on finding only its own job out on nodes. */
    @RegisterExtension
    static final TestingPostgres postgres = TestingPostgres.perTest();

    private final List<AutoCloseable> open = new ArrayList<>();
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void close() throws Exception {
        beats.shutdownNow();
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T opened(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private static String submit(TestingOrchestrator orchestrator) {
        return JobServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .submitJob(SubmitJobRequest.newBuilder()
                        .setTemplateId("test-card")
                        .setAspect("16:9")
                        .setTier("360p")
                        .setChunkFrames(20)
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder()
                                                .setStringValue("restart")
                                                .build()))
                        .build())
                .getJob()
                .getId();
    }

    /** Heartbeats listing the attempt (none when null), every 300 ms, as a node running it sends them. */
    private void heartbeat(TestingNodeStream node, ChunkRef running) {
        Heartbeat.Builder beat = Heartbeat.newBuilder();
        if (running != null) {
            beat.addRunning(running);
        }
        beats.scheduleAtFixedRate(
                () -> node.send(NodeEvent.newBuilder()
                        .setHeartbeat(beat.clone().setSentAtUnixMillis(System.currentTimeMillis()))
                        .build()),
                0,
                300,
                TimeUnit.MILLISECONDS);
    }

    private static Map<String, Object> chunk(String chunkId) {
        return postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery("""
                                SELECT f.state, f.attempt, f.failures, n.name AS node,
                                       f.lease_expires_at > now() AS leased
                                FROM render.frame_jobs f LEFT JOIN render.nodes n ON n.id = f.node_id
                                WHERE f.id = :id
                                """)
                        .bind("id", UUID.fromString(chunkId))
                        .mapToMap()
                        .one());
    }

    private static List<Map<String, Object>> crashes(String jobId) {
        return postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery("""
                                SELECT c.kind, c.attempt, n.name AS node, CAST(c.chunk_id AS text) AS chunk
                                FROM render.node_crashes c JOIN render.nodes n ON n.id = c.node_id
                                WHERE c.job_id = :job
                                """)
                        .bind("job", UUID.fromString(jobId))
                        .mapToMap()
                        .list());
    }

    private static void sleepUntil(long startNanos, Duration after) throws InterruptedException {
        long left = startNanos + after.toNanos() - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    @Test
    void attemptsWhoseLeasesRanOutWhileNoOrchestratorWasThereAreKeptByNodesThatComeBackWithinTheGrace()
            throws Exception {
        TestingOrchestrator first = TestingOrchestrator.start(postgres.database(), TIMING);
        first.installTestTemplate("test-card");
        String jobId = submit(first);
        List<ChunkRef> held = new ArrayList<>();
        List<TestingNodeStream> before = new ArrayList<>();
        for (String name : List.of("early", "late", "gone")) {
            TestingNodeStream node = TestingNodeStream.connect(first.channel(), name, 1);
            before.add(node);
            AssignChunk assign = node.nextAssign(WAIT).getAssign();
            held.add(assign.getChunk());
        }
        // The orchestrator goes away (its nodes keep rendering), and stays away past the leases.
        first.close();
        before.forEach(TestingNodeStream::close);
        postgres.database().jdbi().useHandle(handle -> handle.execute("""
                UPDATE render.frame_jobs SET lease_expires_at = now() - interval '1 second'
                WHERE state = 'running'
                """));

        TestingOrchestrator second = opened(TestingOrchestrator.start(postgres.database(), TIMING));
        long started = System.nanoTime();
        // One node comes back at once; another only after a lease from the start, while the
        // farm is still coming back; the third never does.
        sleepUntil(started, LEASE.dividedBy(2));
        TestingNodeStream early = opened(TestingNodeStream.connect(
                second.channel(),
                TestingNodeStream.hello("early", 1).addRunning(held.get(0)).build()));
        assertThat(early.next(WAIT).hasWelcome()).isTrue();
        heartbeat(early, held.get(0));
        sleepUntil(started, LEASE.multipliedBy(5).dividedBy(4));
        TestingNodeStream late = opened(TestingNodeStream.connect(
                second.channel(),
                TestingNodeStream.hello("late", 1).addRunning(held.get(1)).build()));
        assertThat(late.next(WAIT).hasWelcome()).isTrue();
        heartbeat(late, held.get(1));

        for (int i = 0; i < 2; i++) {
            assertThat(chunk(held.get(i).getChunkId()))
                    .as("attempt of node %s, adopted and leased again", i == 0 ? "early" : "late")
                    .containsEntry("state", "running")
                    .containsEntry("attempt", 1L)
                    .containsEntry("failures", 0)
                    .containsEntry("node", i == 0 ? "early" : "late")
                    .containsEntry("leased", true);
        }
        // What no node claimed by the end of the grace is reaped, as lease_expired.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (crashes(jobId).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(crashes(jobId))
                .singleElement()
                .satisfies(crash -> assertThat(crash)
                        .containsEntry("kind", "lease_expired")
                        .containsEntry("node", "gone")
                        .containsEntry("attempt", 1L)
                        .containsEntry("chunk", held.get(2).getChunkId()));
        assertThat(chunk(held.get(1).getChunkId()))
                .as("the late node's attempt, still its own after the grace")
                .containsEntry("state", "running")
                .containsEntry("node", "late")
                .containsEntry("failures", 0);
    }

    @Test
    @DisplayName("a node back after a restart without an assignment it never listed gives it back uncounted,"
            + " on record as a return, however late its other heartbeats were renewed; one it listed is a"
            + " lost attempt")
    void anAssignmentNoHeartbeatListedIsAReturnOnRecord() throws Exception {
        TestingOrchestrator first = TestingOrchestrator.start(postgres.database(), TIMING);
        first.installTestTemplate("test-card");
        String jobId = submit(first);
        TestingNodeStream heard = TestingNodeStream.connect(first.channel(), "heard", 1);
        ChunkRef listed = heard.nextAssign(WAIT).getAssign().getChunk();
        heartbeat(heard, listed);
        TestingNodeStream fresh = TestingNodeStream.connect(first.channel(), "fresh", 1);
        ChunkRef unheard = fresh.nextAssign(WAIT).getAssign().getChunk();
        // As a node whose assignment is still on its way sends them (or whose renewals waited
        // behind a loaded database): heartbeats without it, renewed well after the assignment.
        heartbeat(fresh, null);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!(listedAt(listed.getChunkId())
                && lastSeenAfterAssignment(unheard.getChunkId(), Duration.ofSeconds(1)))) {
            assertThat(System.nanoTime()).as("heartbeats renewed").isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(listedAt(unheard.getChunkId()))
                .as("an attempt no heartbeat listed")
                .isFalse();
        // Its lease, which no heartbeat renews, must not run out on the first orchestrator while
        // the test waited on a loaded machine: what is tested is the restart, not the reaper.
        postgres.database()
                .jdbi()
                .useHandle(handle -> handle.createUpdate(
                                "UPDATE render.frame_jobs SET lease_expires_at = now() + interval '1 minute' WHERE id = :id")
                        .bind("id", UUID.fromString(unheard.getChunkId()))
                        .execute());
        first.close();
        beats.shutdownNow();
        heard.close();
        fresh.close();

        TestingOrchestrator second = opened(TestingOrchestrator.start(postgres.database(), TIMING));
        // Both come back running nothing (each restarted, say).
        for (String name : List.of("heard", "fresh")) {
            TestingNodeStream back = opened(TestingNodeStream.connect(
                    second.channel(), TestingNodeStream.hello(name, 1).build()));
            assertThat(back.next(WAIT).hasWelcome()).isTrue();
        }
        deadline = System.nanoTime() + WAIT.toNanos();
        while ((crashes(jobId).isEmpty() || returns(jobId).isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(crashes(jobId))
                .singleElement()
                .satisfies(crash -> assertThat(crash)
                        .containsEntry("kind", "node_lost")
                        .containsEntry("node", "heard")
                        .containsEntry("attempt", 1L)
                        .containsEntry("chunk", listed.getChunkId()));
        assertThat(returns(jobId))
                .singleElement()
                .satisfies(back -> assertThat(back)
                        .containsEntry("node", "fresh")
                        .containsEntry("attempt", 1L)
                        .containsEntry("chunk", unheard.getChunkId()));
        // Pending again (and perhaps handed out anew, as attempt 2), no failure counted.
        assertThat(chunk(unheard.getChunkId()))
                .as("the unheard assignment, given back uncounted")
                .containsEntry("failures", 0);
    }

    private static boolean lastSeenAfterAssignment(String chunkId, Duration by) {
        return postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery("""
                                SELECT n.last_seen_at > f.assigned_at + make_interval(secs => :by)
                                FROM render.frame_jobs f JOIN render.nodes n ON n.id = f.node_id
                                WHERE f.id = :id
                                """)
                        .bind("id", UUID.fromString(chunkId))
                        .bind("by", by.toMillis() / 1000.0)
                        .mapTo(Boolean.class)
                        .findOne()
                        .orElse(false));
    }

    /** Whether the chunk's current attempt is on record as listed by its node. */
    private static boolean listedAt(String chunkId) {
        return postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery(
                                "SELECT listed_at IS NOT NULL FROM render.frame_jobs WHERE id = :id")
                        .bind("id", UUID.fromString(chunkId))
                        .mapTo(Boolean.class)
                        .one());
    }

    private static List<Map<String, Object>> returns(String jobId) {
        return postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery("""
                                SELECT r.attempt, n.name AS node, CAST(r.chunk_id AS text) AS chunk, r.reason
                                FROM render.chunk_returns r JOIN render.nodes n ON n.id = r.node_id
                                WHERE r.job_id = :job
                                """)
                        .bind("job", UUID.fromString(jobId))
                        .mapToMap()
                        .list());
    }
}
