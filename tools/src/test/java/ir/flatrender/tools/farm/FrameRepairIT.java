package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.farm.testing.FarmShape;
import ir.flatrender.tools.farm.testing.TestingFarm;
import ir.flatrender.tools.jobs.JobClient;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames that go bad after their chunk was accepted: a stored segment whose bytes changed on
 * disk, and a segment swapped for another valid one (its checksum updated too, so only where its
 * frames sit gives it away). Each is found before or at assembly, recorded in
 * render.frame_repair_jobs, rendered again, and the video assembled again with every frame.
 * One node with one slot renders the three chunks one after another, so the test changes a
 * done chunk's file while a later chunk still renders.
 */
class FrameRepairIT {
    private static final int FRAMES = 15;
    private static final int CHUNK = 5;

    /** A farm of its own: its tests change stored segments. */
    @RegisterExtension
    static final TestingFarm farm = TestingFarm.own(FarmShape.aeCard("ae-1"));

    @TempDir
    static Path directory;

    private static JobClient jobs;
    private static Jdbi jdbi;

    @BeforeAll
    static void start() throws Exception {
        jobs = farm.farm().jobs();
        jdbi = farm.farm().jdbi();
    }

    /** The accepted segment of the job's chunk {@code seq}: its blob file and row. */
    private static Map<String, Object> segment(String jobId, int seq) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT s.chunk_id, s.blob_key, s.sha256, s.size_bytes, f.attempt
                        FROM render.segments s JOIN render.frame_jobs f ON f.id = s.chunk_id
                        WHERE f.job_id = :job AND f.seq = :seq AND f.state = 'done' AND s.attempt = f.attempt
                        """)
                .bind("job", UUID.fromString(jobId))
                .bind("seq", seq)
                .mapToMap()
                .one());
    }

    private static Path file(Map<String, Object> segment) {
        return farm.farm().orchestrator().dataDirectory().resolve("blobs").resolve((String) segment.get("blob_key"));
    }

    private static Job awaitDone(String jobId, int chunks) {
        return FarmChecks.await(jobs, jobId, job -> job.getChunksDone() >= chunks, Duration.ofSeconds(60));
    }

    private static void assertRepaired(String jobId, SubmitJobRequest request, String detectedBy) throws Exception {
        Job finished = FarmChecks.awaitEnd(jobs, jobId, Duration.ofSeconds(90));
        assertThat(finished.getState()).as(finished.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(finished.getExport().getFrameCount()).isEqualTo(FRAMES);
        List<String> repairs = FarmChecks.repairs(jdbi, jobId);
        assertThat(repairs).hasSize(1);
        assertThat(repairs.get(0)).startsWith("0-4 ").endsWith(" repaired");
        if (detectedBy != null) {
            assertThat(repairs.get(0)).contains(detectedBy);
        }
        // The job's status shows it; the chunk rendered again as its next attempt.
        Job shown = jobs.get(jobId, true);
        assertThat(shown.getRepairsList()).singleElement().satisfies(repair -> {
            assertThat(repair.getFrames().getStart()).isZero();
            assertThat(repair.getFrames().getEnd()).isEqualTo(4);
            assertThat(repair.getState()).isEqualTo("repaired");
            assertThat(repair.getReason()).isNotBlank();
        });
        assertThat(shown.getChunks(0).getAttempt())
                .isEqualTo(shown.getRepairs(0).getAttempt() + 1);
        FarmChecks.assertEachChunkAcceptedOnce(jdbi, jobId, FRAMES / CHUNK);
        assertThat(FarmChecks.crashes(jdbi, jobId)).isEmpty();
        FarmChecks.assertSameFramesAsCleanRun(jobs, jobId, request, directory);
    }

    @Test
    void aStoredSegmentWhoseBytesChangedIsRenderedAgain() throws Exception {
        SubmitJobRequest request = FarmChecks.slowAeJob(FRAMES, CHUNK, "bit rot");
        String jobId = jobs.submit(request).getJob().getId();
        awaitDone(jobId, 1);
        Path stored = file(segment(jobId, 0));
        try (RandomAccessFile bytes = new RandomAccessFile(stored.toFile(), "rw")) {
            bytes.seek(bytes.length() / 2);
            bytes.write(new byte[188]);
        }
        assertRepaired(jobId, request, "segment_check");
    }

    @Test
    void aSegmentSwappedForAnotherRangesIsFoundByWhereItsFramesSit() throws Exception {
        SubmitJobRequest request = FarmChecks.slowAeJob(FRAMES, CHUNK, "swapped");
        String jobId = jobs.submit(request).getJob().getId();
        awaitDone(jobId, 2);
        Map<String, Object> first = segment(jobId, 0);
        Map<String, Object> second = segment(jobId, 1);
        Files.copy(file(second), file(first), StandardCopyOption.REPLACE_EXISTING);
        // The row agrees with the new bytes: only the frames' times show it is the wrong range.
        jdbi.useHandle(h -> h.createUpdate(
                        "UPDATE render.segments SET sha256 = :sha, size_bytes = :size WHERE chunk_id = :chunk")
                .bind("sha", second.get("sha256"))
                .bind("size", second.get("size_bytes"))
                .bind("chunk", first.get("chunk_id"))
                .execute());
        assertRepaired(jobId, request, "segment_check");
    }
}
