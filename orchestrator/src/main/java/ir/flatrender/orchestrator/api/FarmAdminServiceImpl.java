package ir.flatrender.orchestrator.api;

import static java.util.Objects.requireNonNull;

import io.grpc.stub.StreamObserver;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.failures.FailureDao;
import ir.flatrender.orchestrator.health.HealthDao;
import ir.flatrender.orchestrator.health.HealthHistory;
import ir.flatrender.orchestrator.jobs.FrameRange;
import ir.flatrender.orchestrator.jobs.JobControl;
import ir.flatrender.orchestrator.nodes.CacheEntryRow;
import ir.flatrender.orchestrator.nodes.NodeCacheDao;
import ir.flatrender.orchestrator.nodes.NodeControl;
import ir.flatrender.orchestrator.nodes.NodeView;
import ir.flatrender.orchestrator.repairs.RepairDao;
import ir.flatrender.orchestrator.repairs.RepairRow;
import ir.flatrender.orchestrator.server.Caller;
import ir.flatrender.orchestrator.server.FarmCredentials;
import ir.flatrender.orchestrator.snapshots.SnapshotStore;
import ir.flatrender.proto.farm.v1.Crash;
import ir.flatrender.proto.farm.v1.Credential;
import ir.flatrender.proto.farm.v1.CredentialRole;
import ir.flatrender.proto.farm.v1.FarmAdminServiceGrpc;
import ir.flatrender.proto.farm.v1.IssueCredentialRequest;
import ir.flatrender.proto.farm.v1.IssuedCredential;
import ir.flatrender.proto.farm.v1.ListCrashesRequest;
import ir.flatrender.proto.farm.v1.ListCrashesResponse;
import ir.flatrender.proto.farm.v1.ListCredentialsRequest;
import ir.flatrender.proto.farm.v1.ListCredentialsResponse;
import ir.flatrender.proto.farm.v1.ListNodesRequest;
import ir.flatrender.proto.farm.v1.ListNodesResponse;
import ir.flatrender.proto.farm.v1.ListRepairsRequest;
import ir.flatrender.proto.farm.v1.ListRepairsResponse;
import ir.flatrender.proto.farm.v1.Node;
import ir.flatrender.proto.farm.v1.NodeCache;
import ir.flatrender.proto.farm.v1.NodeCacheEntry;
import ir.flatrender.proto.farm.v1.NodeCacheResponse;
import ir.flatrender.proto.farm.v1.NodeHealthRequest;
import ir.flatrender.proto.farm.v1.NodeHealthResponse;
import ir.flatrender.proto.farm.v1.NodeRequest;
import ir.flatrender.proto.farm.v1.PurgeSnapshotsRequest;
import ir.flatrender.proto.farm.v1.PurgeSnapshotsResponse;
import ir.flatrender.proto.farm.v1.Repair;
import ir.flatrender.proto.farm.v1.RequeueChunksRequest;
import ir.flatrender.proto.farm.v1.RequeueChunksResponse;
import ir.flatrender.proto.farm.v1.RevokeCredentialRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * The operators' service: nodes (list, show, drain, disable, enable, release, caches, resource
 * samples and their history), the
 * farm's crashes and repairs, chunks sent back to render, snapshots purged.
 */
public final class FarmAdminServiceImpl extends FarmAdminServiceGrpc.FarmAdminServiceImplBase {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 1000;
    /** Three hours of samples at the default interval (30 s). */
    private static final int DEFAULT_HEALTH_LIMIT = 360;

    private static final int MAX_HEALTH_LIMIT = 5000;

    private final NodeControl control;
    private final Jdbi jdbi;
    private final JobControl lifecycle;
    private final SnapshotStore snapshots;
    private final FarmCredentials credentials;
    private final HealthHistory health;

    public FarmAdminServiceImpl(
            NodeControl control,
            Jdbi jdbi,
            JobControl lifecycle,
            SnapshotStore snapshots,
            FarmCredentials credentials,
            HealthHistory health) {
        this.credentials = requireNonNull(credentials, "credentials is null");
        this.health = requireNonNull(health, "health is null");
        this.control = requireNonNull(control, "control is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.lifecycle = requireNonNull(lifecycle, "lifecycle is null");
        this.snapshots = requireNonNull(snapshots, "snapshots is null");
    }

    @Override
    public void issueCredential(IssueCredentialRequest request, StreamObserver<IssuedCredential> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> {
            FarmCredentials.Issued issued =
                    credentials.issue(role(request.getRole()), request.getName(), request.getReplace());
            if (request.getReplace() && issued.credential().callerRole() == Caller.Role.NODE) {
                // The replaced credential's stream, if any, is cut with it.
                control.cutRevokedNames(
                        issued.credential().name(), issued.credential().id());
            }
            return IssuedCredential.newBuilder()
                    .setCredential(credential(issued.credential()))
                    .setToken(issued.token())
                    .build();
        });
    }

    @Override
    public void revokeCredential(RevokeCredentialRequest request, StreamObserver<Credential> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> {
            FarmCredentials.Row revoked = credentials.revoke(role(request.getRole()), request.getName());
            control.cutRevoked(java.util.Set.of(revoked.id()));
            return credential(revoked);
        });
    }

    @Override
    public void listCredentials(
            ListCredentialsRequest request, StreamObserver<ListCredentialsResponse> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> {
            ListCredentialsResponse.Builder response = ListCredentialsResponse.newBuilder();
            credentials.list().forEach(row -> response.addCredentials(credential(row)));
            return response.build();
        });
    }

    private static Caller.Role role(CredentialRole role) {
        return switch (role) {
            case CREDENTIAL_ROLE_NODE -> Caller.Role.NODE;
            case CREDENTIAL_ROLE_GATEWAY -> Caller.Role.GATEWAY;
            case CREDENTIAL_ROLE_CONSOLE -> Caller.Role.CONSOLE;
            default ->
                throw FarmException.invalid(
                        "role", "must be CREDENTIAL_ROLE_NODE, CREDENTIAL_ROLE_GATEWAY or CREDENTIAL_ROLE_CONSOLE");
        };
    }

    private static Credential credential(FarmCredentials.Row row) {
        Credential.Builder credential = Credential.newBuilder()
                .setId(row.id().toString())
                .setRole(
                        switch (row.callerRole()) {
                            case NODE -> CredentialRole.CREDENTIAL_ROLE_NODE;
                            case CONSOLE -> CredentialRole.CREDENTIAL_ROLE_CONSOLE;
                            case GATEWAY, OPERATOR -> CredentialRole.CREDENTIAL_ROLE_GATEWAY;
                        })
                .setName(row.name());
        JobMapper.timestamp(row.createdAt()).ifPresent(credential::setCreatedAt);
        JobMapper.timestamp(row.revokedAt()).ifPresent(credential::setRevokedAt);
        return credential.build();
    }

    @Override
    public void getNodeCache(NodeRequest request, StreamObserver<NodeCacheResponse> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> {
            String node = request.getNode().strip();
            if (!node.isEmpty()) {
                control.get(node);
            }
            List<NodeCacheDao.Counters> counters =
                    jdbi.withExtension(NodeCacheDao.class, dao -> dao.counters(node.isEmpty() ? null : node));
            List<CacheEntryRow> entries = jdbi.withExtension(NodeCacheDao.class, NodeCacheDao::all);
            NodeCacheResponse.Builder response = NodeCacheResponse.newBuilder();
            for (NodeCacheDao.Counters counter : counters) {
                NodeCache.Builder cache = NodeCache.newBuilder()
                        .setNodeName(counter.name())
                        .setHits(counter.cacheHits())
                        .setMisses(counter.cacheMisses())
                        .setBytesFetched(counter.cacheBytesFetched())
                        .setBudgetBytes(counter.cacheBudgetBytes());
                long used = 0;
                for (CacheEntryRow entry : entries) {
                    if (!entry.nodeName().equals(counter.name())) {
                        continue;
                    }
                    used += entry.sizeBytes();
                    NodeCacheEntry.Builder row = NodeCacheEntry.newBuilder()
                            .setTemplateId(entry.templateId() == null ? "" : entry.templateId())
                            .setTemplateVersion(entry.templateVersion() == null ? 0 : entry.templateVersion())
                            .setPackageSha256(entry.packageSha256())
                            .setSizeBytes(entry.sizeBytes())
                            .setHits(entry.hits());
                    JobMapper.timestamp(entry.lastUsedAt()).ifPresent(row::setLastUsedAt);
                    cache.addEntries(row);
                }
                response.addNodes(cache.setUsedBytes(used));
            }
            return response.build();
        });
    }

    @Override
    public void listCrashes(ListCrashesRequest request, StreamObserver<ListCrashesResponse> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> {
            UUID job = request.getJobId().isBlank() ? null : JobServiceImpl.jobId(request.getJobId());
            List<FailureDao.CrashRow> rows = jdbi.withExtension(
                    FailureDao.class,
                    dao -> dao.listCrashes(
                            request.getNode().isBlank()
                                    ? null
                                    : request.getNode().strip(),
                            job,
                            request.hasSince() ? instant(request.getSince()) : null,
                            limit(request.getLimit())));
            ListCrashesResponse.Builder response = ListCrashesResponse.newBuilder();
            for (FailureDao.CrashRow row : rows) {
                Crash.Builder crash = Crash.newBuilder()
                        .setId(row.id().toString())
                        .setNodeName(row.nodeName())
                        .setJobId(row.jobId().toString())
                        .setChunkId(row.chunkId().toString())
                        .setAttempt(row.attempt())
                        .setEngine(row.engine())
                        .setKind(row.kind())
                        .setExitCode(row.exitCode() == null ? -1 : row.exitCode())
                        .setSignal(row.signal() == null ? 0 : row.signal())
                        .setMessage(row.message())
                        .setLogTail(row.logTail());
                JobMapper.timestamp(row.createdAt()).ifPresent(crash::setCreatedAt);
                response.addCrashes(crash);
            }
            return response.build();
        });
    }

    @Override
    public void listRepairs(ListRepairsRequest request, StreamObserver<ListRepairsResponse> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> {
            UUID job = request.getJobId().isBlank() ? null : JobServiceImpl.jobId(request.getJobId());
            List<RepairRow> rows =
                    jdbi.withExtension(RepairDao.class, dao -> dao.listRecent(job, limit(request.getLimit())));
            ListRepairsResponse.Builder response = ListRepairsResponse.newBuilder();
            for (RepairRow row : rows) {
                Repair.Builder repair = Repair.newBuilder()
                        .setId(row.id().toString())
                        .setJobId(row.jobId().toString())
                        .setChunkId(row.chunkId().toString())
                        .setAttempt(row.attempt())
                        .setFrames(ir.flatrender.proto.farm.v1.FrameRange.newBuilder()
                                .setStart(row.frameStart())
                                .setEnd(row.frameEnd()))
                        .setTier(row.tier() == null ? "" : row.tier())
                        .setDetectedBy(row.detectedBy())
                        .setReason(row.reason())
                        .setState(row.state());
                JobMapper.timestamp(row.createdAt()).ifPresent(repair::setCreatedAt);
                JobMapper.timestamp(row.finishedAt()).ifPresent(repair::setFinishedAt);
                response.addRepairs(repair);
            }
            return response.build();
        });
    }

    @Override
    public void requeueChunks(RequeueChunksRequest request, StreamObserver<RequeueChunksResponse> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> {
            UUID job = JobServiceImpl.jobId(request.getJobId());
            Optional<FrameRange> frames = Optional.empty();
            if (request.hasFrames()) {
                if (request.getFrames().getStart() < 0
                        || request.getFrames().getEnd() < request.getFrames().getStart()) {
                    throw FarmException.invalid("frames", "must be a range A-B with 0 ≤ A ≤ B");
                }
                frames = Optional.of(new FrameRange(
                        request.getFrames().getStart(), request.getFrames().getEnd()));
            }
            JobControl.Requeued requeued = lifecycle.requeue(
                    job, frames, request.getReason().isBlank() ? "requeued by an operator" : request.getReason());
            RequeueChunksResponse.Builder response = RequeueChunksResponse.newBuilder()
                    .setJobState(requeued.job().state());
            requeued.chunks()
                    .forEach(chunk -> response.addRequeued(ir.flatrender.proto.farm.v1.FrameRange.newBuilder()
                            .setStart(chunk.frameStart())
                            .setEnd(chunk.frameEnd())));
            return response.build();
        });
    }

    @Override
    public void purgeSnapshots(PurgeSnapshotsRequest request, StreamObserver<PurgeSnapshotsResponse> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> {
            try {
                SnapshotStore.Purged purged = snapshots.purge(
                        request.getTemplateId().isBlank()
                                ? Optional.empty()
                                : Optional.of(request.getTemplateId().strip()),
                        request.hasUnusedSince() ? Optional.of(instant(request.getUnusedSince())) : Optional.empty());
                return PurgeSnapshotsResponse.newBuilder()
                        .setDeleted(purged.deleted())
                        .setBytesFreed(purged.bytes())
                        .build();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static int limit(int asked) {
        if (asked < 0 || asked > MAX_LIMIT) {
            throw FarmException.invalid("limit", "must be between 0 and " + MAX_LIMIT);
        }
        return asked == 0 ? DEFAULT_LIMIT : asked;
    }

    private static Instant instant(com.google.protobuf.Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    @Override
    public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> {
            List<ir.flatrender.orchestrator.nodes.NodeState> states =
                    request.getStatesList().stream().map(NodeMapper::fromProto).toList();
            List<NodeView> nodes = control.list(states);
            Map<UUID, HealthHistory.Recorded> samples =
                    health.latest(nodes.stream().map(NodeView::id).toList());
            ListNodesResponse.Builder response = ListNodesResponse.newBuilder();
            nodes.forEach(
                    node -> response.addNodes(NodeMapper.toProto(node, Optional.ofNullable(samples.get(node.id())))));
            return response.build();
        });
    }

    @Override
    public void getNode(NodeRequest request, StreamObserver<Node> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> withResources(control.get(name(request))));
    }

    @Override
    public void drainNode(NodeRequest request, StreamObserver<Node> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> withResources(control.drain(name(request), reason(request))));
    }

    @Override
    public void disableNode(NodeRequest request, StreamObserver<Node> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> withResources(control.disable(name(request), reason(request))));
    }

    @Override
    public void enableNode(NodeRequest request, StreamObserver<Node> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> withResources(control.enable(name(request))));
    }

    @Override
    public void releaseNode(NodeRequest request, StreamObserver<Node> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> withResources(control.release(name(request))));
    }

    private static String name(NodeRequest request) {
        String node = request.getNode().strip();
        if (node.isEmpty()) {
            throw FarmException.invalid("node", "is required (a node's name or id)");
        }
        return node;
    }

    private static String reason(NodeRequest request) {
        return request.getReason().isBlank() ? "asked by an operator" : request.getReason();
    }

    @Override
    public void getNodeHealth(NodeHealthRequest request, StreamObserver<NodeHealthResponse> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> {
            String named = request.getNode().strip();
            if (named.isEmpty()) {
                throw FarmException.invalid("node", "is required (a node's name or id)");
            }
            if (request.getLimit() < 0 || request.getLimit() > MAX_HEALTH_LIMIT) {
                throw FarmException.invalid("limit", "must be between 0 and " + MAX_HEALTH_LIMIT);
            }
            int limit = request.getLimit() == 0 ? DEFAULT_HEALTH_LIMIT : request.getLimit();
            NodeView node = control.get(named);
            List<HealthDao.Row> rows;
            if (request.hasSince()) {
                Instant since = instant(request.getSince());
                rows = jdbi.withExtension(HealthDao.class, dao -> dao.since(node.id(), since, limit));
            } else {
                rows = new java.util.ArrayList<>(
                        jdbi.withExtension(HealthDao.class, dao -> dao.newestOf(node.id(), limit)));
                java.util.Collections.reverse(rows);
            }
            return NodeMapper.history(node, rows);
        });
    }

    /** A node as the operators see it, with its latest resource sample. */
    private Node withResources(NodeView node) {
        return NodeMapper.toProto(
                node, Optional.ofNullable(health.latest(List.of(node.id())).get(node.id())));
    }
}
