package ir.flatrender.node.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.hash.Hashing;
import ir.flatrender.node.engines.EngineException;
import ir.flatrender.node.engines.FailureKind;
import ir.flatrender.node.work.SegmentDelivery.UploadRefused;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadStageTest {
    /** Refuses with the queued reasons, one per send, then takes the upload. */
    private static final class TestingDelivery implements SegmentDelivery {
        final Deque<UploadRefused.Reason> refusals = new ArrayDeque<>();
        final List<Manifest> sent = new ArrayList<>();

        @Override
        public void send(Manifest manifest, List<Path> files) throws UploadRefused {
            sent.add(manifest);
            UploadRefused.Reason reason = refusals.poll();
            if (reason != null) {
                throw new UploadRefused(reason, reason + " from the test", null);
            }
        }
    }

    private final TestingDelivery delivery = new TestingDelivery();
    private final Assignment assignment = TestingAssignments.frames();

    @TempDir
    Path directory;

    private Path segment;

    @BeforeEach
    void segment() throws Exception {
        segment = Files.write(directory.resolve("360p.ts"), new byte[] {1, 2, 3, 4});
    }

    private void upload(UploadStage stage) throws Exception {
        stage.upload(assignment, List.of(segment), List.of("360p"), 321);
    }

    @Test
    void theManifestNamesTheAttemptTheNodeAndEachFilesSizeAndDigest() throws Exception {
        upload(new UploadStage(delivery, () -> "node-1"));

        assertThat(delivery.sent)
                .containsExactly(new SegmentDelivery.Manifest(
                        assignment.chunk(),
                        "node-1",
                        10,
                        List.of(new SegmentDelivery.File(
                                "360p",
                                4,
                                Hashing.sha256()
                                        .hashBytes(new byte[] {1, 2, 3, 4})
                                        .toString())),
                        321));
    }

    @Test
    void anUnreachableOrchestratorIsTriedAgainWithinTheWindow() throws Exception {
        delivery.refusals.add(UploadRefused.Reason.UNREACHABLE);
        delivery.refusals.add(UploadRefused.Reason.UNREACHABLE);

        upload(new UploadStage(delivery, () -> "node-1"));

        assertThat(delivery.sent).hasSize(3);
    }

    @Test
    void anUnreachableOrchestratorPastTheWindowFailsTheUpload() {
        for (int i = 0; i < 10; i++) {
            delivery.refusals.add(UploadRefused.Reason.UNREACHABLE);
        }

        assertThatThrownBy(() -> upload(new UploadStage(delivery, () -> "node-1", Duration.ZERO)))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.UPLOAD);
                    assertThat(e.getMessage()).isEqualTo("upload refused: UNREACHABLE from the test");
                });
        assertThat(delivery.sent).hasSize(1);
    }

    @Test
    void damagedBytesAreSentAgainTwiceThenTheUploadFails() {
        for (int i = 0; i < 5; i++) {
            delivery.refusals.add(UploadRefused.Reason.DAMAGED);
        }

        assertThatThrownBy(() -> upload(new UploadStage(delivery, () -> "node-1")))
                .isInstanceOfSatisfying(
                        EngineException.class, e -> assertThat(e.kind()).isEqualTo(FailureKind.UPLOAD));
        assertThat(delivery.sent).hasSize(1 + UploadStage.MAX_DAMAGED_UPLOADS);
    }

    @Test
    void aSegmentTheOrchestratorJudgesWrongIsBadOutputAndNotSentAgain() {
        delivery.refusals.add(UploadRefused.Reason.BAD_SEGMENT);

        assertThatThrownBy(() -> upload(new UploadStage(delivery, () -> "node-1")))
                .isInstanceOfSatisfying(
                        EngineException.class, e -> assertThat(e.kind()).isEqualTo(FailureKind.BAD_OUTPUT));
        assertThat(delivery.sent).hasSize(1);
    }

    @Test
    void aMissingFileFailsTheUpload() throws Exception {
        Files.delete(segment);

        assertThatThrownBy(() -> upload(new UploadStage(delivery, () -> "node-1")))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.UPLOAD);
                    assertThat(e.getMessage()).startsWith("upload failed: ");
                });
        assertThat(delivery.sent).isEmpty();
    }
}
