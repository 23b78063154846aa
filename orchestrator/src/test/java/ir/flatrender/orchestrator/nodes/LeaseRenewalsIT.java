package ir.flatrender.orchestrator.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.jobs.ChunkRow;
import ir.flatrender.orchestrator.jobs.ClaimDao;
import ir.flatrender.orchestrator.jobs.LeaseDao;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The batched lease renewal ({@link LeaseDao#renewLeases}): one statement renews the attempts
 * many nodes list, and only those still current on the node that lists them.
 */
class LeaseRenewalsIT {
    private static final String[] OUT_ON_NODE = {"assigned", "running"};

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

    private static Jdbi jdbi() {
        return postgres.database().jdbi();
    }

    private static void submit() {
        // 60 frames in chunks of 10: six pending chunks.
        JobServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .submitJob(SubmitJobRequest.newBuilder()
                        .setTemplateId("test-card")
                        .setAspect("16:9")
                        .setTier("360p")
                        .setChunkFrames(10)
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder()
                                                .setStringValue("renewals")
                                                .build()))
                        .build());
    }

    private static UUID node(String name) {
        UUID id = UUID.randomUUID();
        jdbi().useHandle(handle -> handle.createUpdate(
                        "INSERT INTO render.nodes (id, name, slots, state) VALUES (:id, :name, 4, 'offline')")
                .bind("id", id)
                .bind("name", name)
                .execute());
        return id;
    }

    private static List<ChunkRow> claim(UUID node, int limit) {
        return jdbi().withExtension(
                        ClaimDao.class,
                        dao -> dao.claimChunks(node, new String[] {"timeline"}, new String[0], limit, 30, 10));
    }

    private static Instant leaseOf(UUID chunk) {
        return jdbi().withHandle(
                        handle -> handle.createQuery("SELECT lease_expires_at FROM render.frame_jobs WHERE id = :id")
                                .bind("id", chunk)
                                .mapTo(Instant.class)
                                .one());
    }

    private static List<LeaseDao.RenewedLease> renew(UUID[] nodes, UUID[] ids, long[] attempts) {
        return jdbi().withExtension(LeaseDao.class, dao -> dao.renewLeases(nodes, ids, attempts, OUT_ON_NODE, 600));
    }

    @Test
    void oneStatementRenewsTheCurrentAttemptsOfManyNodesAndAnswersWhatItCommitted() {
        submit();
        UUID a = node("renew-a");
        UUID b = node("renew-b");
        List<ChunkRow> onA = claim(a, 2);
        List<ChunkRow> onB = claim(b, 1);

        List<LeaseDao.RenewedLease> renewed = renew(
                new UUID[] {a, a, b},
                new UUID[] {onA.get(0).id(), onA.get(1).id(), onB.get(0).id()},
                new long[] {
                    onA.get(0).attempt(), onA.get(1).attempt(), onB.get(0).attempt()
                });

        assertThat(renewed).hasSize(3);
        assertThat(renewed).allSatisfy(lease -> {
            assertThat(lease.leaseExpiresAt()).isEqualTo(leaseOf(lease.id()));
            // 600 s from the renewal, far past the claim's 30 s.
            assertThat(lease.leaseExpiresAt()).isAfter(Instant.now().plusSeconds(500));
        });
        assertThat(renewed.stream().filter(lease -> lease.nodeId().equals(a)))
                .extracting(LeaseDao.RenewedLease::id)
                .containsExactlyInAnyOrder(onA.get(0).id(), onA.get(1).id());
        assertThat(renewed.stream().filter(lease -> lease.nodeId().equals(b)))
                .extracting(LeaseDao.RenewedLease::id)
                .containsExactly(onB.get(0).id());
    }

    @Test
    void aFencedAnotherNodesOrAFinishedAttemptIsNotRenewed() {
        submit();
        UUID a = node("fence-a");
        UUID b = node("fence-b");
        List<ChunkRow> onA = claim(a, 2);
        ChunkRow current = onA.get(0);
        ChunkRow failedBack = onA.get(1);
        ChunkRow onB = claim(b, 1).get(0);
        // The second chunk went back to pending (its attempt failed); its lease is gone.
        int failed = jdbi().withExtension(
                        LeaseDao.class,
                        dao -> dao.failChunk(
                                failedBack.id(), failedBack.attempt(), OUT_ON_NODE, "pending", "crash", false));
        assertThat(failed).isEqualTo(1);
        Instant bBefore = leaseOf(onB.id());

        List<LeaseDao.RenewedLease> renewed = renew(
                new UUID[] {a, a, a, a},
                // The current attempt, another attempt number of it, the failed one, b's chunk.
                new UUID[] {current.id(), current.id(), failedBack.id(), onB.id()},
                new long[] {current.attempt() + 1, current.attempt(), failedBack.attempt(), onB.attempt()});

        // Only the current attempt of a's own chunk.
        assertThat(renewed).singleElement().satisfies(lease -> {
            assertThat(lease.id()).isEqualTo(current.id());
            assertThat(lease.attempt()).isEqualTo(current.attempt());
            assertThat(lease.nodeId()).isEqualTo(a);
        });
        assertThat(leaseOf(failedBack.id())).isNull();
        assertThat(leaseOf(onB.id())).isEqualTo(bBefore);
    }
}
