package ir.flatrender.node.control;

import ir.flatrender.node.engines.FailureKind;
import ir.flatrender.node.templates.CacheSnapshot;
import ir.flatrender.node.work.ChunkEvent;
import ir.flatrender.node.work.ChunkKey;
import ir.flatrender.node.work.SegmentDelivery;
import ir.flatrender.proto.farm.v1.CacheReport;
import ir.flatrender.proto.farm.v1.CachedTemplate;
import ir.flatrender.proto.farm.v1.ChunkFailed;
import ir.flatrender.proto.farm.v1.ChunkProgress;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.ChunkStarted;
import ir.flatrender.proto.farm.v1.Leaving;
import ir.flatrender.proto.farm.v1.NodeEvent;
import ir.flatrender.proto.farm.v1.SegmentFile;
import ir.flatrender.proto.farm.v1.SegmentHeader;

/** What goes to the orchestrator, from the node's records: events, cache reports, upload headers. */
public final class EventMapper {
    private EventMapper() {}

    /** The node is going away: what it stops from now on is given back, not failed. */
    public static NodeEvent leaving(String reason) {
        return NodeEvent.newBuilder()
                .setLeaving(Leaving.newBuilder().setReason(reason))
                .build();
    }

    public static NodeEvent event(ChunkEvent event) {
        NodeEvent.Builder out = NodeEvent.newBuilder();
        ChunkRef chunk = chunkRef(event.chunk());
        if (event instanceof ChunkEvent.Started) {
            out.setChunkStarted(ChunkStarted.newBuilder().setChunk(chunk));
        } else if (event instanceof ChunkEvent.Progress progress) {
            out.setChunkProgress(ChunkProgress.newBuilder().setChunk(chunk).setFramesDone(progress.framesDone()));
        } else if (event instanceof ChunkEvent.Failed failed) {
            out.setChunkFailed(ChunkFailed.newBuilder()
                    .setChunk(chunk)
                    .setKind(kind(failed.kind()))
                    .setMessage(failed.message())
                    .setExitCode(failed.exitCode())
                    .setLogTail(failed.logTail()));
        } else {
            throw new IllegalArgumentException("unknown event " + event);
        }
        return out.build();
    }

    public static ChunkRef chunkRef(ChunkKey key) {
        return ChunkRef.newBuilder()
                .setJobId(key.jobId())
                .setChunkId(key.chunkId())
                .setAttempt(key.attempt())
                .build();
    }

    public static ir.flatrender.proto.farm.v1.FailureKind kind(FailureKind kind) {
        return switch (kind) {
            case CRASH -> ir.flatrender.proto.farm.v1.FailureKind.FAILURE_KIND_CRASH;
            case HANG -> ir.flatrender.proto.farm.v1.FailureKind.FAILURE_KIND_HANG;
            case LAUNCH_FAILURE -> ir.flatrender.proto.farm.v1.FailureKind.FAILURE_KIND_LAUNCH_FAILURE;
            case BAD_OUTPUT -> ir.flatrender.proto.farm.v1.FailureKind.FAILURE_KIND_BAD_OUTPUT;
            case OUT_OF_MEMORY -> ir.flatrender.proto.farm.v1.FailureKind.FAILURE_KIND_OUT_OF_MEMORY;
            case CANCELLED -> ir.flatrender.proto.farm.v1.FailureKind.FAILURE_KIND_CANCELLED;
            case TEMPLATE_FETCH -> ir.flatrender.proto.farm.v1.FailureKind.FAILURE_KIND_TEMPLATE_FETCH;
            case UPLOAD -> ir.flatrender.proto.farm.v1.FailureKind.FAILURE_KIND_UPLOAD;
        };
    }

    public static CacheReport cacheReport(CacheSnapshot snapshot) {
        CacheReport.Builder report = CacheReport.newBuilder()
                .setBudgetBytes(snapshot.budgetBytes())
                .setHits(snapshot.hits())
                .setMisses(snapshot.misses())
                .setBytesFetched(snapshot.bytesFetched())
                .setEvictions(snapshot.evictions());
        for (CacheSnapshot.Cached cached : snapshot.templates()) {
            report.addTemplates(CachedTemplate.newBuilder()
                    .setSha256(cached.sha256())
                    .setSizeBytes(cached.sizeBytes())
                    .setLastUsedUnixMillis(cached.lastUsedMillis())
                    .setHits(cached.hits()));
        }
        return report.build();
    }

    public static SegmentHeader header(SegmentDelivery.Manifest manifest) {
        SegmentHeader.Builder header = SegmentHeader.newBuilder()
                .setChunk(chunkRef(manifest.chunk()))
                .setNodeId(manifest.nodeId())
                .setFrameCount(manifest.frameCount())
                .setRenderMillis(manifest.renderMillis());
        for (SegmentDelivery.File file : manifest.files()) {
            header.addFiles(SegmentFile.newBuilder()
                    .setTier(file.tier())
                    .setSizeBytes(file.sizeBytes())
                    .setSha256(file.sha256()));
        }
        return header.build();
    }
}
