package ir.flatrender.node.work;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.node.engines.EngineException;
import ir.flatrender.node.engines.FailureKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReportStageTest {
    private final List<ChunkEvent> events = new ArrayList<>();
    private final ReportStage report = new ReportStage(events::add);
    private final Assignment assignment = TestingAssignments.frames();
    private final ChunkKey chunk = assignment.chunk();

    private ChunkEvent.Failed onlyFailure() {
        assertThat(events).hasSize(1);
        return (ChunkEvent.Failed) events.get(0);
    }

    @Test
    void anEngineFailureIsReportedWithItsKindExitCodeAndLog() {
        report.failed(chunk, failure(), new Cancellation());

        assertThat(onlyFailure()).isEqualTo(new ChunkEvent.Failed(chunk, FailureKind.HANG, "stuck", "last line", -1));
    }

    private static EngineException failure() {
        return new EngineException(FailureKind.HANG, "stuck", "last line", null);
    }

    @Test
    void aCancelledAttemptStaysCancelledWhateverEndedIt() {
        Cancellation cancellation = new Cancellation();
        cancellation.cancel("taken back");

        report.failed(chunk, failure(), cancellation);
        report.failed(assignment, new OutOfMemoryError("Java heap space"), cancellation);
        report.cancelled(chunk, cancellation);

        assertThat(events)
                .hasSize(3)
                .allSatisfy(event -> assertThat(event)
                        .isEqualTo(
                                new ChunkEvent.Failed(chunk, FailureKind.CANCELLED, "cancelled: taken back", "", -1)));
    }

    @Test
    void runningOutOfHeapIsOutOfMemoryAndOfStackACrash() {
        report.failed(assignment, new OutOfMemoryError("Java heap space"), new Cancellation());
        report.failed(assignment, new StackOverflowError(), new Cancellation());

        ChunkEvent.Failed heap = (ChunkEvent.Failed) events.get(0);
        assertThat(heap.kind()).isEqualTo(FailureKind.OUT_OF_MEMORY);
        assertThat(heap.message())
                .isEqualTo("node error: the node ran out of memory rendering frames 0-9"
                        + " (java.lang.OutOfMemoryError: Java heap space)");
        ChunkEvent.Failed stack = (ChunkEvent.Failed) events.get(1);
        assertThat(stack.kind()).isEqualTo(FailureKind.CRASH);
        assertThat(stack.message()).startsWith("node error: the node ran out of stack rendering frames 0-9");
    }

    @Test
    void aBugInTheNodeIsACrash() {
        report.failed(chunk, new IllegalStateException("bug"));

        assertThat(onlyFailure())
                .isEqualTo(new ChunkEvent.Failed(
                        chunk, FailureKind.CRASH, "node error: java.lang.IllegalStateException: bug", "", -1));
    }

    @Test
    void aFinishedAttemptSendsNothingMoreSinceItsUploadCarriedTheRenderTime() {
        long started = 1_000;
        long fetched = started + TimeUnit.MILLISECONDS.toNanos(20);
        long rendered = fetched + TimeUnit.MILLISECONDS.toNanos(300);
        long uploaded = rendered + TimeUnit.MILLISECONDS.toNanos(45);

        report.started(chunk);
        report.finished(assignment, started, fetched, rendered, uploaded);

        assertThat(events).containsExactly(new ChunkEvent.Started(chunk));
    }
}
