package ir.flatrender.orchestrator.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.ClaimDao;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The claim statement: never more chunks than asked for, never one chunk to two claimers. */
class ClaimIT {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static TestingOrchestrator orchestrator;

    @BeforeAll
    static void start() {
        orchestrator = TestingOrchestrator.start(postgres.database(), config -> config);
        orchestrator.installTestTemplate("test-card");
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
    }

    private static void submit(int chunkFrames) {
        JobServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .submitJob(SubmitJobRequest.newBuilder()
                        .setTemplateId("test-card")
                        .setAspect("16:9")
                        .setTier("360p")
                        .setChunkFrames(chunkFrames)
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder()
                                                .setStringValue("claims")
                                                .build()))
                        .build());
    }

    private static UUID node(String name) {
        UUID id = UUID.randomUUID();
        postgres.database()
                .jdbi()
                .useHandle(handle -> handle.createUpdate(
                                "INSERT INTO render.nodes (id, name, slots, state) VALUES (:id, :name, 4, 'offline')")
                        .bind("id", id)
                        .bind("name", name)
                        .execute());
        return id;
    }

    private static List<ChunkRow> claim(UUID node, int limit) {
        return claim(node, new String[0], limit);
    }

    private static List<ChunkRow> claim(UUID node, String[] capabilities, int limit) {
        return postgres.database()
                .jdbi()
                .withExtension(
                        ClaimDao.class,
                        dao -> dao.claimChunks(node, new String[] {"timeline"}, capabilities, limit, 30, 10));
    }

    @Test
    void concurrentClaimsTakeExactlyWhatTheyAskForAndNeverTheSameChunk() throws Exception {
        // 60 frames in chunks of 2: 30 pending chunks.
        submit(2);
        List<UUID> nodes = List.of(node("claim-a"), node("claim-b"), node("claim-c"));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<UUID>>> results = new ArrayList<>();
            for (UUID node : nodes) {
                results.add(pool.submit((Callable<List<UUID>>) () -> {
                    List<UUID> mine = new ArrayList<>();
                    while (true) {
                        List<ChunkRow> claimed = claim(node, 1);
                        assertThat(claimed.size()).isLessThanOrEqualTo(1);
                        if (claimed.isEmpty()) {
                            return mine;
                        }
                        assertThat(claimed.get(0).nodeId()).isEqualTo(node);
                        assertThat(claimed.get(0).attempt()).isEqualTo(1);
                        mine.add(claimed.get(0).id());
                    }
                }));
            }
            Set<UUID> all = new HashSet<>();
            int total = 0;
            for (Future<List<UUID>> result : results) {
                List<UUID> mine = result.get(60, TimeUnit.SECONDS);
                total += mine.size();
                all.addAll(mine);
            }
            assertThat(total).isEqualTo(30);
            assertThat(all).hasSize(30);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClaimNeverReturnsMoreThanItsLimit() {
        submit(5);
        UUID node = node("claim-limit");
        assertThat(claim(node, 3)).hasSize(3);
        assertThat(claim(node, 1)).hasSize(1);
    }

    @Test
    void aClaimForManyNodesGivesEachItsSlotsAndLeavesChunksWithAFailureToThePerNodeClaim() {
        // 60 frames in chunks of 6: 10 pending chunks, one of which a node failed before.
        submit(6);
        UUID a = node("many-a");
        UUID b = node("many-b");
        UUID failed = postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery("""
                                UPDATE render.frame_jobs SET failed_node_id = :node, failed_at = now()
                                WHERE id = (SELECT id FROM render.frame_jobs WHERE state = 'pending'
                                            ORDER BY priority DESC, job_created_at, job_id, seq LIMIT 1)
                                RETURNING id
                                """)
                        .bind("node", a)
                        .mapTo(UUID.class)
                        .one());
        // a has 3 free slots, b 2: five slots, five chunks, none of them the one with a failure.
        List<ChunkRow> claimed = postgres.database()
                .jdbi()
                .withExtension(
                        ClaimDao.class,
                        dao -> dao.claimChunksForMany(
                                new UUID[] {a, a, a, b, b}, new String[] {"timeline"}, new String[0], 30));
        assertThat(claimed).hasSize(5);
        assertThat(claimed).extracting(ChunkRow::id).doesNotHaveDuplicates().doesNotContain(failed);
        assertThat(claimed.stream().filter(c -> c.nodeId().equals(a))).hasSize(3);
        assertThat(claimed.stream().filter(c -> c.nodeId().equals(b))).hasSize(2);
        assertThat(claimed).allSatisfy(c -> {
            assertThat(c.state()).isEqualTo("running");
            assertThat(c.startedAt()).isEqualTo(c.assignedAt());
            assertThat(c.attempt()).isEqualTo(1);
        });
        // The chunk with a failure goes to the per-node claim, which lets b have it.
        assertThat(claim(b, 10)).extracting(ChunkRow::id).contains(failed);
    }

    @Test
    void aChunkThatNeedsWebGlGoesOnlyToANodeThatHasIt() {
        submit(10);
        List<UUID> needing = postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery(
                                "UPDATE render.frame_jobs SET requires = '{webgl}' WHERE state = 'pending' RETURNING id")
                        .mapTo(UUID.class)
                        .list());
        assertThat(needing).hasSize(6);
        UUID plain = node("no-webgl");
        UUID webgl = node("has-webgl");
        ClaimDao jobs = postgres.database().jdbi().onDemand(ClaimDao.class);

        assertThat(claim(plain, 10)).isEmpty();
        assertThat(jobs.claimChunksForMany(
                        new UUID[] {plain, plain}, new String[] {"timeline"}, new String[] {"gpu"}, 30))
                .isEmpty();
        assertThat(jobs.anyPending(new String[] {"timeline"}, new String[0])).isFalse();
        assertThat(jobs.anyPending(new String[] {"timeline"}, new String[] {"webgl"}))
                .isTrue();

        assertThat(claim(webgl, new String[] {"webgl", "gpu"}, 10))
                .extracting(ChunkRow::id)
                .containsExactlyInAnyOrderElementsOf(needing);
    }
}
