package ir.flatrender.tools.conformance;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Channel;
import ir.flatrender.proto.farm.v1.Chunk;
import ir.flatrender.proto.farm.v1.ChunkState;
import ir.flatrender.proto.farm.v1.FrameRange;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.ListCrashesRequest;
import ir.flatrender.proto.farm.v1.Node;
import ir.flatrender.proto.farm.v1.NodeState;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.tools.admin.AdminClient;
import ir.flatrender.tools.jobs.JobClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Drives one render node, connected to a farm orchestrator that has no other node, through the
 * node contract (docs: deploy/NODE-CONTRACT.md) and says what it got wrong. Each check is
 * judged by what the orchestrator recorded: accepted uploads (which pass the farm's own
 * decode, timestamp and colour checks), attempts, failure rows and the node's running count.
 */
public final class NodeConformance {
    /** One check's outcome. */
    public record Check(String name, boolean passed, String detail) {
        public Check {
            requireNonNull(name, "name is null");
            requireNonNull(detail, "detail is null");
        }
    }

    private static final Duration POLL = Duration.ofMillis(250);

    private final JobClient jobs;
    private final AdminClient admin;
    private final Duration timeout;
    private final Duration heartbeatInterval;

    public NodeConformance(Channel channel, Duration timeout, Duration heartbeatInterval) {
        requireNonNull(channel, "channel is null");
        this.jobs = new JobClient(channel, Duration.ofSeconds(30));
        this.admin = new AdminClient(channel, Duration.ofSeconds(30));
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.heartbeatInterval = requireNonNull(heartbeatInterval, "heartbeatInterval is null");
    }

    /** Runs every check in order; a check that cannot start (no node) fails the ones after it. */
    public List<Check> run() throws InterruptedException {
        List<Check> checks = new ArrayList<>();
        Optional<Node> node = await(
                () -> admin.list(List.of()).stream().filter(Node::getConnected).findFirst());
        if (node.isEmpty()) {
            checks.add(new Check("hello", false, "no node connected within " + timeout.toSeconds() + " s"));
            return checks;
        }
        Node hello = node.get();
        checks.add(new Check(
                "hello",
                hello.getEnginesList().contains("timeline") && hello.getSlots() > 0,
                "node " + hello.getName() + ", engines " + hello.getEnginesList() + ", " + hello.getSlots() + " slot(s)"
                        + (hello.getEnginesList().contains("timeline") ? "" : "; it must offer timeline")));
        checks.add(renderAndUpload());
        checks.add(cancel(hello));
        checks.add(drainAndEnable(hello));
        return checks;
    }

    /** Two chunks, each rendered, encoded and uploaded, accepted at their first attempt. */
    private Check renderAndUpload() throws InterruptedException {
        Job job = jobs.submit(job("conformance render", 0, 59, 30)).getJob();
        Optional<Job> ended = awaitEnd(job.getId());
        if (ended.isEmpty()) {
            return new Check(
                    "assign, render, upload",
                    false,
                    "job " + job.getId() + " did not end in time" + crashes(job.getId()));
        }
        Job done = jobs.get(job.getId(), true);
        List<String> retried = done.getChunksList().stream()
                .filter(c -> c.getAttempt() > 1)
                .map(c -> "chunk " + c.getSeq() + " took " + c.getAttempt() + " attempts")
                .toList();
        boolean passed = done.getState() == JobState.JOB_STATE_SUCCEEDED && retried.isEmpty();
        return new Check(
                "assign, render, upload (segments decode cleanly, timed and tagged as the contract says;"
                        + " leases renewed)",
                passed,
                passed
                        ? done.getChunksCount() + " chunks accepted at their first attempt"
                        : "job " + done.getState() + " " + done.getError() + " " + String.join(", ", retried)
                                + crashes(job.getId()));
    }

    /** A cancelled job's running attempts stop, and the node says so within a few heartbeats. */
    private Check cancel(Node node) throws InterruptedException {
        Job job = jobs.submit(job("conformance cancel", 0, 299, 300)).getJob();
        // A chunk shows running from its assignment on; the node's progress reports say it works on it.
        Optional<Chunk> running = await(() -> {
            Job now = jobs.get(job.getId(), true);
            return now.getFramesDone() == 0
                    ? Optional.<Chunk>empty()
                    : now.getChunksList().stream()
                            .filter(c -> c.getState() == ChunkState.CHUNK_STATE_RUNNING)
                            .findFirst();
        });
        if (running.isEmpty()) {
            return new Check("cancel", false, "the job's chunk never ran" + crashes(job.getId()));
        }
        jobs.cancel(job.getId(), "node conformance: cancel");
        Duration allowed = heartbeatInterval.multipliedBy(3);
        long deadline = System.nanoTime() + allowed.toNanos();
        while (System.nanoTime() < deadline) {
            Node now = admin.get(node.getName());
            if (now.getRunningChunks() == 0) {
                return new Check("cancel", true, "the attempt stopped and its slot was freed");
            }
            Thread.sleep(POLL.toMillis());
        }
        return new Check(
                "cancel",
                false,
                "the node still runs " + admin.get(node.getName()).getRunningChunks() + " chunk(s) "
                        + allowed.toSeconds() + " s after CancelChunk; it must stop the attempt and answer"
                        + " ChunkFailed FAILURE_KIND_CANCELLED");
    }

    /** A draining node gets no new work and keeps its stream; enabled again, it takes work. */
    private Check drainAndEnable(Node node) throws InterruptedException {
        // A node whose attempts kept failing in the checks before is quarantined by the farm;
        // it is released (as an operator would) so that draining can still be checked.
        String released = "";
        if (admin.get(node.getName()).getState() == NodeState.NODE_STATE_QUARANTINED) {
            admin.release(node.getName());
            released = " (the node had been quarantined for its failed attempts and was released first)";
        }
        admin.drain(node.getName(), "node conformance: drain");
        Job job = jobs.submit(job("conformance drain", 0, 29, 30)).getJob();
        Thread.sleep(heartbeatInterval.multipliedBy(3).toMillis());
        Job waiting = jobs.get(job.getId(), true);
        Node drained = admin.get(node.getName());
        if (!drained.getConnected()) {
            return new Check("drain, enable", false, "the node disconnected while draining");
        }
        if (waiting.getChunksList().stream().anyMatch(c -> c.getState() != ChunkState.CHUNK_STATE_PENDING)) {
            return new Check("drain, enable", false, "a draining node was given work (an orchestrator fault)");
        }
        admin.enable(node.getName());
        Optional<Job> ended = awaitEnd(job.getId());
        boolean passed = ended.isPresent() && ended.get().getState() == JobState.JOB_STATE_SUCCEEDED;
        return new Check(
                "drain, enable",
                passed,
                passed
                        ? "no work while draining; enabled again (nothing sent), it took work" + released
                        : "after enabling, the job did not succeed" + released + crashes(job.getId()));
    }

    private static SubmitJobRequest job(String title, int first, int last, int chunkFrames) {
        return SubmitJobRequest.newBuilder()
                .setTemplateId("sample-promo")
                .setAspect("16:9")
                .setTier("360p")
                .setFrames(FrameRange.newBuilder().setStart(first).setEnd(last))
                .setChunkFrames(chunkFrames)
                .setBindings(Struct.newBuilder()
                        .putFields(
                                "title_en",
                                Value.newBuilder().setStringValue(title).build()))
                .build();
    }

    private Optional<Job> awaitEnd(String jobId) throws InterruptedException {
        return await(() -> Optional.of(jobs.get(jobId, false))
                .filter(j -> j.getState() == JobState.JOB_STATE_SUCCEEDED
                        || j.getState() == JobState.JOB_STATE_FAILED
                        || j.getState() == JobState.JOB_STATE_CANCELLED));
    }

    /** What the farm recorded against the job's attempts: why an upload was refused, say. */
    private String crashes(String jobId) {
        String found =
                admin
                        .crashes(ListCrashesRequest.newBuilder()
                                .setJobId(jobId)
                                .setLimit(5)
                                .build())
                        .getCrashesList()
                        .stream()
                        .map(c -> c.getKind() + ": " + c.getMessage())
                        .collect(Collectors.joining("; "));
        return found.isEmpty() ? "" : "; recorded failures: " + found;
    }

    private <T> Optional<T> await(Supplier<Optional<T>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found;
            }
            Thread.sleep(POLL.toMillis());
        }
        return Optional.empty();
    }
}
