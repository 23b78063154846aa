package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import ir.flatrender.proto.farm.v1.FrameRange;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.VideoFrames;
import ir.flatrender.tools.jobs.JobClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.jdbi.v3.core.Jdbi;

/** What the fault-injection tests wait for and check on a farm: jobs, accepted attempts, crash rows. */
final class FarmChecks {
    private static final Set<JobState> ENDED =
            EnumSet.of(JobState.JOB_STATE_SUCCEEDED, JobState.JOB_STATE_FAILED, JobState.JOB_STATE_CANCELLED);

    private FarmChecks() {}

    /**
     * A job of the test After Effects template through the fake aerender's slow mode: 600 ms a
     * frame, so each chunk of {@code chunkFrames} takes that many 0.6 s on its node.
     */
    static SubmitJobRequest slowAeJob(int frames, int chunkFrames, String title) {
        return job("ae-card", frames, chunkFrames, Map.of("title", title, "mode", "slow"));
    }

    /** A 16:9 360p job of the template's first {@code frames} frames, with text bindings. */
    static SubmitJobRequest job(String templateId, int frames, int chunkFrames, Map<String, String> bindings) {
        Struct.Builder values = Struct.newBuilder();
        new java.util.TreeMap<>(bindings)
                .forEach((name, value) -> values.putFields(
                        name, Value.newBuilder().setStringValue(value).build()));
        return SubmitJobRequest.newBuilder()
                .setTemplateId(templateId)
                .setAspect("16:9")
                .setTier("360p")
                .setFrames(FrameRange.newBuilder().setStart(0).setEnd(frames - 1))
                .setChunkFrames(chunkFrames)
                .setBindings(values)
                .build();
    }

    /**
     * Polls the job until it holds; an orchestrator that cannot answer for now (restarting, its
     * database away) is asked again.
     */
    static Job await(JobClient jobs, String jobId, Predicate<Job> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Job job = jobs.get(jobId, true);
                if (condition.test(job)) {
                    return job;
                }
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + jobId + " did not get there in " + timeout);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    static Job awaitEnd(JobClient jobs, String jobId, Duration timeout) {
        return await(jobs, jobId, job -> ENDED.contains(job.getState()), timeout);
    }

    /**
     * Every chunk of the job has exactly one accepted file (its one tier), of its current
     * attempt: nothing was counted twice.
     */
    static void assertEachChunkAcceptedOnce(Jdbi jdbi, String jobId, int chunks) {
        List<Map<String, Object>> segments = jdbi.withHandle(h -> h.createQuery("""
                        SELECT s.chunk_id, count(*) AS files, bool_and(s.attempt = f.attempt) AS current,
                               bool_and(f.state = 'done') AS done
                        FROM render.segments s JOIN render.frame_jobs f ON f.id = s.chunk_id
                        WHERE f.job_id = :job GROUP BY s.chunk_id
                        """)
                .bind("job", UUID.fromString(jobId))
                .mapToMap()
                .list());
        assertThat(segments).hasSize(chunks).allSatisfy(row -> {
            assertThat(row.get("files")).isEqualTo(1L);
            assertThat(row.get("current")).isEqualTo(true);
            assertThat(row.get("done")).isEqualTo(true);
        });
    }

    /**
     * Every accepted segment of the jobs' chunks is on disk under the orchestrator's data folder,
     * the size recorded, and its attempt (the chunk's) was never also recorded as lost: a lost
     * attempt is handed out again, so one accepted after that had a twin alive.
     */
    static void assertAcceptedSegmentsKept(Jdbi jdbi, Path dataDirectory, List<String> jobIds) throws IOException {
        List<Map<String, Object>> segments = jdbi.withHandle(h -> h.createQuery("""
                        SELECT s.chunk_id, s.attempt, s.blob_key, s.size_bytes,
                               EXISTS (SELECT 1 FROM render.node_crashes c
                                       WHERE c.chunk_id = s.chunk_id AND c.attempt = s.attempt) AS lost
                        FROM render.segments s JOIN render.frame_jobs f ON f.id = s.chunk_id
                        WHERE f.job_id = ANY(:jobs)
                        """)
                .bind("jobs", jobIds.stream().map(UUID::fromString).toArray(UUID[]::new))
                .mapToMap()
                .list());
        for (Map<String, Object> segment : segments) {
            Path file = dataDirectory.resolve("blobs").resolve((String) segment.get("blob_key"));
            assertThat(file).as("segment of chunk %s", segment.get("chunk_id")).exists();
            assertThat(Files.size(file))
                    .as("segment of chunk %s", segment.get("chunk_id"))
                    .isEqualTo(segment.get("size_bytes"));
            assertThat(segment.get("lost"))
                    .as(
                            "attempt %s of chunk %s accepted and recorded lost",
                            segment.get("attempt"), segment.get("chunk_id"))
                    .isEqualTo(false);
        }
    }

    /**
     * Each job's chunks, all done, cover its frame range exactly: in order, each one starting
     * where the one before ended, from the job's first frame to its last.
     */
    static void assertFramesCovered(Jdbi jdbi, String jobId) {
        List<Map<String, Object>> chunks = jdbi.withHandle(h -> h.createQuery("""
                        SELECT f.frame_start, f.frame_end, f.state, j.frame_start AS job_start, j.frame_end AS job_end
                        FROM render.frame_jobs f JOIN render.render_jobs j ON j.id = f.job_id
                        WHERE f.job_id = :job ORDER BY f.frame_start, f.frame_end
                        """)
                .bind("job", UUID.fromString(jobId))
                .mapToMap()
                .list());
        assertThat(chunks).as("chunks of job %s", jobId).isNotEmpty();
        int next = (Integer) chunks.get(0).get("job_start");
        int frames = 0;
        for (Map<String, Object> chunk : chunks) {
            assertThat(chunk.get("state"))
                    .as("chunk at frame %s of job %s", chunk.get("frame_start"), jobId)
                    .isEqualTo("done");
            assertThat(chunk.get("frame_start"))
                    .as("first frame of a chunk of job %s", jobId)
                    .isEqualTo(next);
            next = (Integer) chunk.get("frame_end") + 1;
            frames += next - (Integer) chunk.get("frame_start");
        }
        int jobFrames =
                (Integer) chunks.get(0).get("job_end") - (Integer) chunks.get(0).get("job_start") + 1;
        assertThat(next - 1)
                .as("last frame of job %s", jobId)
                .isEqualTo(chunks.get(0).get("job_end"));
        assertThat(frames).as("frames of job %s", jobId).isEqualTo(jobFrames);
    }

    /** The jobs' attempts on record as ended without a result, counted by kind. */
    static Map<String, Long> lostAttempts(Jdbi jdbi, List<String> jobIds) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT kind, count(*) AS n FROM render.node_crashes
                        WHERE job_id = ANY(:jobs) GROUP BY kind ORDER BY kind
                        """)
                .bind("jobs", jobIds.stream().map(UUID::fromString).toArray(UUID[]::new))
                .reduceRows(new java.util.TreeMap<String, Long>(), (map, row) -> {
                    map.put(row.getColumn("kind", String.class), row.getColumn("n", Long.class));
                    return map;
                }));
    }

    /**
     * The job's decoded frames are, byte for byte, those of a clean run of the same request:
     * the same job with the fake aerender in its plain mode (its pixels do not depend on the
     * mode), rendered on the same farm.
     */
    static void assertSameFramesAsCleanRun(JobClient jobs, String jobId, SubmitJobRequest request, Path directory)
            throws Exception {
        SubmitJobRequest clean = request.toBuilder()
                .setBindings(request.getBindings().toBuilder()
                        .putFields(
                                "mode", Value.newBuilder().setStringValue("ok").build()))
                .setIdempotencyKey("")
                .build();
        String cleanId = jobs.submit(clean).getJob().getId();
        Job reference = awaitEnd(jobs, cleanId, Duration.ofSeconds(120));
        assertThat(reference.getState()).as(reference.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        Path video = directory.resolve(jobId + ".mp4");
        Path cleanVideo = directory.resolve(cleanId + ".mp4");
        jobs.download(jobId, video);
        jobs.download(cleanId, cleanVideo);
        int frames = request.getFrames().getEnd() - request.getFrames().getStart() + 1;
        try (VideoFrames decoder = new VideoFrames()) {
            List<byte[]> actual = decoder.decode(video, 640, 360);
            List<byte[]> expected = decoder.decode(cleanVideo, 640, 360);
            assertThat(actual).hasSize(frames).hasSameSizeAs(expected);
            for (int n = 0; n < frames; n++) {
                assertThat(actual.get(n)).as("decoded frame %d", n).isEqualTo(expected.get(n));
            }
        }
    }

    /** The job's rows in render.node_crashes, as "node kind" lines in time order. */
    static List<String> crashes(Jdbi jdbi, String jobId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT n.name || ' ' || c.kind FROM render.node_crashes c
                        JOIN render.nodes n ON n.id = c.node_id
                        WHERE c.job_id = :job ORDER BY c.created_at
                        """)
                .bind("job", UUID.fromString(jobId))
                .mapTo(String.class)
                .list());
    }

    /** The job's rows in render.frame_repair_jobs, as "start-end detected_by state" lines. */
    static List<String> repairs(Jdbi jdbi, String jobId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT frame_start || '-' || frame_end || ' ' || detected_by || ' ' || state
                        FROM render.frame_repair_jobs WHERE job_id = :job ORDER BY created_at, frame_start
                        """)
                .bind("job", UUID.fromString(jobId))
                .mapTo(String.class)
                .list());
    }
}
