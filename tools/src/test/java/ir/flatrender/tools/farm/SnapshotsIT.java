package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.RenderSnapshotRequest;
import ir.flatrender.proto.farm.v1.Snapshot;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.farm.testing.FarmShape;
import ir.flatrender.tools.farm.testing.NodeEngine;
import ir.flatrender.tools.farm.testing.TestingFarm;
import ir.flatrender.tools.jobs.JobClient;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stills for previews: cached by what changes their pixels, and ahead of queued video work. */
class SnapshotsIT {
    /**
     * A farm of its own: one node with one slot, so that a long job occupies every slot there is,
     * and the snapshot rows counted here are this class's only.
     */
    @RegisterExtension
    static final TestingFarm farm =
            TestingFarm.own(FarmShape.empty().withSamples().withNode("only-node", NodeEngine.TIMELINE, 1));

    private static Snapshot snapshot(String accent, int frame) {
        return snapshot(accent, frame, Duration.ofSeconds(60));
    }

    private static Snapshot snapshot(String accent, int frame, Duration deadline) {
        return JobServiceGrpc.newBlockingStub(farm.farm().channel())
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .renderSnapshot(RenderSnapshotRequest.newBuilder()
                        .setTemplateId("sample-promo")
                        .setAspect("1:1")
                        .setTier("480p")
                        .setFrame(frame)
                        .setFormat("png")
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "accent",
                                        Value.newBuilder()
                                                .setStringValue(accent)
                                                .build()))
                        .build());
    }

    private static int snapshotJobs() {
        return farm.farm()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT count(*) FROM render.render_jobs WHERE kind = 'snapshot'")
                        .mapTo(Integer.class)
                        .one());
    }

    @Test
    void theSameSnapshotIsRenderedOnce() throws Exception {
        int before = snapshotJobs();
        Snapshot first = snapshot("#123456", 150);
        Snapshot second = snapshot("#123456", 150);
        assertThat(first.getCached()).isFalse();
        assertThat(second.getCached()).isTrue();
        assertThat(second.getCacheKey()).isEqualTo(first.getCacheKey());
        assertThat(second.getImage()).isEqualTo(first.getImage());
        assertThat(snapshotJobs()).isEqualTo(before + 1);
        BufferedImage image =
                ImageIO.read(new ByteArrayInputStream(first.getImage().toByteArray()));
        assertThat(image.getWidth()).isEqualTo(480);
        assertThat(image.getHeight()).isEqualTo(480);
        // A binding that changes the pixels is another picture.
        Snapshot other = snapshot("#654321", 150);
        assertThat(other.getCached()).isFalse();
        assertThat(other.getCacheKey()).isNotEqualTo(first.getCacheKey());
    }

    @Test
    void askingAgainWhileItRendersWaitsForTheSameRender() {
        int before = snapshotJobs();
        // The first caller gives up before the still can be made, and asks again.
        assertThatThrownBy(() -> snapshot("#abcdef", 42, Duration.ofMillis(50)))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        Snapshot again = snapshot("#abcdef", 42);
        assertThat(again.getImage().isEmpty()).isFalse();
        assertThat(snapshotJobs()).isEqualTo(before + 1);
    }

    @Test
    void aSnapshotJumpsAheadOfALongRender() throws Exception {
        JobClient jobs = farm.farm().jobs();
        Job longJob = jobs.submit(SubmitJobRequest.newBuilder()
                        .setTemplateId("sample-promo")
                        .setAspect("16:9")
                        .setTier("720p")
                        .setChunkFrames(15)
                        .build())
                .getJob();
        // Wait (on the job's own progress stream) until the long job is rendering.
        try {
            jobs.follow(longJob.getId(), progress -> {
                if (progress.getJob().getChunksDone() >= 1) {
                    throw new StopFollowing();
                }
            });
        } catch (StopFollowing expected) {
            // The long job has begun.
        }
        Snapshot snapshot = snapshot("#00aa00", 10);
        assertThat(snapshot.getCached()).isFalse();

        List<Timestamp> longChunksAssigned = farm.farm()
                .jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT assigned_at FROM render.frame_jobs WHERE job_id = :id AND assigned_at IS NOT NULL")
                        .bind("id", java.util.UUID.fromString(longJob.getId()))
                        .mapTo(Timestamp.class)
                        .list());
        Timestamp snapshotAssigned = farm.farm()
                .jdbi()
                .withHandle(h -> h.createQuery("""
                                SELECT f.assigned_at FROM render.frame_jobs f JOIN render.render_jobs j ON j.id = f.job_id
                                WHERE j.kind = 'snapshot' ORDER BY f.assigned_at DESC LIMIT 1
                                """).mapTo(Timestamp.class).one());
        Job stillRunning = jobs.get(longJob.getId(), false);
        // The still came back while the long job still had chunks to render, and its chunk was
        // handed out before the long job's later chunks.
        assertThat(stillRunning.getChunksDone()).isLessThan(stillRunning.getChunksTotal());
        assertThat(longChunksAssigned).anyMatch(assigned -> assigned.after(snapshotAssigned));
        Job finished = jobs.follow(longJob.getId(), progress -> {});
        assertThat(finished.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    }

    /** Ends a follow early, from inside its listener. */
    private static final class StopFollowing extends RuntimeException {}
}
