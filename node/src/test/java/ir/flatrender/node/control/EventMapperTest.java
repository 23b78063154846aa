package ir.flatrender.node.control;

import static org.assertj.core.api.Assertions.assertThat;

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
import ir.flatrender.proto.farm.v1.NodeEvent;
import ir.flatrender.proto.farm.v1.SegmentFile;
import ir.flatrender.proto.farm.v1.SegmentHeader;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventMapperTest {
    private static final ChunkKey CHUNK = new ChunkKey("job", "chunk", 2);
    private static final ChunkRef REF = ChunkRef.newBuilder()
            .setJobId("job")
            .setChunkId("chunk")
            .setAttempt(2)
            .build();

    @Test
    void everyFailureKindHasTheWireKindOfItsName() {
        for (FailureKind kind : FailureKind.values()) {
            assertThat(EventMapper.kind(kind).name()).isEqualTo("FAILURE_KIND_" + kind.name());
        }
    }

    @Test
    void eventsKeepTheirChunkAndValues() {
        assertThat(EventMapper.event(new ChunkEvent.Started(CHUNK))
                        .getChunkStarted()
                        .getChunk())
                .isEqualTo(REF);
        assertThat(EventMapper.event(new ChunkEvent.Progress(CHUNK, 7)).getChunkProgress())
                .isEqualTo(ChunkProgress.newBuilder()
                        .setChunk(REF)
                        .setFramesDone(7)
                        .build());
        NodeEvent failed = EventMapper.event(new ChunkEvent.Failed(CHUNK, FailureKind.HANG, "stuck", "tail", 137));
        assertThat(failed.getChunkFailed())
                .isEqualTo(ChunkFailed.newBuilder()
                        .setChunk(REF)
                        .setKind(ir.flatrender.proto.farm.v1.FailureKind.FAILURE_KIND_HANG)
                        .setMessage("stuck")
                        .setLogTail("tail")
                        .setExitCode(137)
                        .build());
    }

    @Test
    void aCacheSnapshotBecomesTheCacheReport() {
        CacheSnapshot snapshot = new CacheSnapshot(
                List.of(new CacheSnapshot.Cached("ab".repeat(32), 100, 5_000, 4)), 1_000, 4, 1, 80, 2);

        assertThat(EventMapper.cacheReport(snapshot))
                .isEqualTo(CacheReport.newBuilder()
                        .addTemplates(CachedTemplate.newBuilder()
                                .setSha256("ab".repeat(32))
                                .setSizeBytes(100)
                                .setLastUsedUnixMillis(5_000)
                                .setHits(4))
                        .setBudgetBytes(1_000)
                        .setHits(4)
                        .setMisses(1)
                        .setBytesFetched(80)
                        .setEvictions(2)
                        .build());
    }

    @Test
    void anUploadsManifestBecomesItsHeader() {
        SegmentDelivery.Manifest manifest = new SegmentDelivery.Manifest(
                CHUNK, "node-1", 30, List.of(new SegmentDelivery.File("720p", 99, "cd".repeat(32))), 1234);

        assertThat(EventMapper.header(manifest))
                .isEqualTo(SegmentHeader.newBuilder()
                        .setChunk(REF)
                        .setNodeId("node-1")
                        .setFrameCount(30)
                        .setRenderMillis(1234)
                        .addFiles(SegmentFile.newBuilder()
                                .setTier("720p")
                                .setSizeBytes(99)
                                .setSha256("cd".repeat(32)))
                        .build());
    }
}
