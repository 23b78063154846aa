package ir.flatrender.orchestrator.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TransitionsTest {
    @Test
    void aJobGoesQueuedRunningAssemblingSucceeded() {
        JobState state = JobState.QUEUED;
        state = JobTransitions.next(state, JobTransitions.Event.CHUNK_DISPATCHED);
        assertThat(state).isEqualTo(JobState.RUNNING);
        state = JobTransitions.next(state, JobTransitions.Event.ALL_CHUNKS_DONE);
        assertThat(state).isEqualTo(JobState.ASSEMBLING);
        state = JobTransitions.next(state, JobTransitions.Event.ASSEMBLED);
        assertThat(state).isEqualTo(JobState.SUCCEEDED);
        assertThat(state.isTerminal()).isTrue();
    }

    @Test
    void anEndedJobTakesNoFurtherEventButARetryOrARequeue() {
        for (JobState ended : new JobState[] {JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED}) {
            for (JobTransitions.Event event : JobTransitions.Event.values()) {
                if ((event == JobTransitions.Event.RETRY && ended != JobState.SUCCEEDED)
                        || event == JobTransitions.Event.REQUEUE) {
                    assertThat(JobTransitions.next(ended, event)).isEqualTo(JobState.QUEUED);
                } else {
                    assertThatThrownBy(() -> JobTransitions.next(ended, event))
                            .isInstanceOf(IllegalStateException.class);
                }
            }
        }
    }

    @Test
    void framesFoundWrongSendAnAssemblingJobBackToRunning() {
        assertThat(JobTransitions.next(JobState.ASSEMBLING, JobTransitions.Event.REPAIR))
                .isEqualTo(JobState.RUNNING);
        assertThatThrownBy(() -> JobTransitions.next(JobState.RUNNING, JobTransitions.Event.REPAIR))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void pauseAndResumeReturnToTheQueue() {
        JobState paused = JobTransitions.next(JobState.RUNNING, JobTransitions.Event.PAUSE);
        assertThat(paused).isEqualTo(JobState.PAUSED);
        assertThat(JobTransitions.next(paused, JobTransitions.Event.RESUME)).isEqualTo(JobState.QUEUED);
        assertThatThrownBy(() -> JobTransitions.next(JobState.ASSEMBLING, JobTransitions.Event.PAUSE))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aClaimedChunkRunsAtOnceAndGoesDone() {
        // The claim starts the chunk: ChunkStarted needs no transaction of its own.
        ChunkState state = ChunkTransitions.next(ChunkState.PENDING, ChunkTransitions.Event.ASSIGN);
        assertThat(state).isEqualTo(ChunkState.RUNNING);
        assertThat(ChunkTransitions.next(state, ChunkTransitions.Event.COMPLETE))
                .isEqualTo(ChunkState.DONE);
    }

    @Test
    void aChunkAnEarlierVersionAssignedStillStartsAndGoesDone() {
        ChunkState state = ChunkTransitions.next(ChunkState.ASSIGNED, ChunkTransitions.Event.START);
        assertThat(state).isEqualTo(ChunkState.RUNNING);
        assertThat(ChunkTransitions.next(state, ChunkTransitions.Event.COMPLETE))
                .isEqualTo(ChunkState.DONE);
    }

    @Test
    void aChunkMayCompleteWithoutAStartedMessage() {
        // The started message is advisory; an upload may overtake it.
        assertThat(ChunkTransitions.next(ChunkState.ASSIGNED, ChunkTransitions.Event.COMPLETE))
                .isEqualTo(ChunkState.DONE);
    }

    @Test
    void aFailedChunkIsRetriedUntilItsAttemptsAreUsedUp() {
        assertThat(ChunkTransitions.afterFailure(ChunkState.RUNNING, 0, 3)).isEqualTo(ChunkState.PENDING);
        assertThat(ChunkTransitions.afterFailure(ChunkState.RUNNING, 1, 3)).isEqualTo(ChunkState.PENDING);
        assertThat(ChunkTransitions.afterFailure(ChunkState.RUNNING, 2, 3)).isEqualTo(ChunkState.DEAD);
        assertThat(ChunkTransitions.afterFailure(ChunkState.ASSIGNED, 0, 1)).isEqualTo(ChunkState.DEAD);
    }

    @Test
    void aLostNodeSendsItsChunksBackWithoutCountingAFailure() {
        assertThat(ChunkTransitions.next(ChunkState.RUNNING, ChunkTransitions.Event.LOSE_NODE))
                .isEqualTo(ChunkState.PENDING);
        assertThat(ChunkTransitions.next(ChunkState.ASSIGNED, ChunkTransitions.Event.LOSE_NODE))
                .isEqualTo(ChunkState.PENDING);
    }

    @Test
    void aDoneChunkCannotFailOrBeCompletedAgain() {
        assertThatThrownBy(() -> ChunkTransitions.afterFailure(ChunkState.DONE, 0, 3))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ChunkTransitions.next(ChunkState.DONE, ChunkTransitions.Event.COMPLETE))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ChunkTransitions.next(ChunkState.PENDING, ChunkTransitions.Event.COMPLETE))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void fencingAcceptsOnlyTheCurrentAttemptWhileTheChunkIsOut() {
        assertThat(ChunkTransitions.isCurrent(ChunkState.RUNNING, 2, 2)).isTrue();
        assertThat(ChunkTransitions.isCurrent(ChunkState.ASSIGNED, 2, 2)).isTrue();
        // Requeued and handed out again: the old attempt's result is stale.
        assertThat(ChunkTransitions.isCurrent(ChunkState.RUNNING, 3, 2)).isFalse();
        // Requeued but not yet handed out: still stale.
        assertThat(ChunkTransitions.isCurrent(ChunkState.PENDING, 2, 2)).isFalse();
        // Already done by this very attempt: a second result must not count twice.
        assertThat(ChunkTransitions.isCurrent(ChunkState.DONE, 2, 2)).isFalse();
        assertThat(ChunkTransitions.isCurrent(ChunkState.CANCELLED, 2, 2)).isFalse();
    }

    @Test
    void everyStateRoundTripsThroughItsDatabaseName() {
        for (JobState state : JobState.values()) {
            assertThat(JobState.fromDb(state.dbName())).isEqualTo(state);
        }
        for (ChunkState state : ChunkState.values()) {
            assertThat(ChunkState.fromDb(state.dbName())).isEqualTo(state);
        }
    }
}
