package ir.flatrender.orchestrator.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.stub.StreamObserver;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.snapshots.SnapshotService;
import ir.flatrender.proto.farm.v1.RenderSnapshotRequest;
import ir.flatrender.proto.farm.v1.Snapshot;

/**
 * The snapshot call: one still of a template, rendered by a node (or read from the cache). A
 * render waits for a node, so calls run on their own bounded pool, within the call's deadline,
 * and end when the caller goes away; a full queue is refused at once.
 */
public final class SnapshotCalls {
    private final SnapshotService snapshots;
    private final java.util.concurrent.Executor snapshotExecutor;
    private final ObjectMapper json;

    public SnapshotCalls(SnapshotService snapshots, java.util.concurrent.Executor snapshotExecutor, ObjectMapper json) {
        this.snapshots = requireNonNull(snapshots, "snapshots is null");
        this.snapshotExecutor = requireNonNull(snapshotExecutor, "snapshotExecutor is null");
        this.json = requireNonNull(json, "json is null");
    }

    void render(RenderSnapshotRequest request, StreamObserver<Snapshot> responseObserver) {
        // Rendering waits for a node; that wait happens off the gRPC threads, within the call's
        // own deadline, and ends when the caller goes away.
        io.grpc.Context context = io.grpc.Context.current();
        io.grpc.Deadline deadline = context.getDeadline();
        Runnable work = () -> JobServiceImpl.unary(responseObserver, () -> {
            ObjectNode bindings;
            try {
                bindings = request.hasBindings()
                        ? (ObjectNode) json.readTree(JobMapper.json(request.getBindings()))
                        : json.createObjectNode();
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw FarmException.invalid("bindings", "could not be read: " + e.getMessage());
            }
            long remaining = deadline == null
                    ? java.util.concurrent.TimeUnit.MINUTES.toMillis(2)
                    : deadline.timeRemaining(java.util.concurrent.TimeUnit.MILLISECONDS);
            SnapshotService.Result result = snapshots.render(
                    new SnapshotService.Request(
                            JobServiceImpl.tenant(request.getTenantId()).orElse(JobServiceImpl.DEFAULT_TENANT),
                            request.getTemplateId().strip(),
                            request.getTemplateVersion(),
                            bindings,
                            request.getAspect().strip(),
                            request.getFrame(),
                            request.getTier().strip(),
                            request.getFormat().strip()),
                    java.time.Duration.ofMillis(Math.max(1, remaining)),
                    context::isCancelled);
            return Snapshot.newBuilder()
                    .setImage(com.google.protobuf.ByteString.copyFrom(result.image()))
                    .setFormat(result.format())
                    .setSize(ir.flatrender.proto.farm.v1.Size.newBuilder()
                            .setWidth(result.width())
                            .setHeight(result.height()))
                    .setCacheKey(result.cacheKey())
                    .setCached(result.cached())
                    .build();
        });
        try {
            snapshotExecutor.execute(work);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            responseObserver.onError(io.grpc.Status.RESOURCE_EXHAUSTED
                    .withDescription("too many snapshot requests are waiting; try again shortly")
                    .asRuntimeException());
        }
    }
}
