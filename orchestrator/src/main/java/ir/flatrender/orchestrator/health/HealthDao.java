package ir.flatrender.orchestrator.health;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** {@code render.node_health_logs} and its monthly partitions. */
@RegisterConstructorMapper(HealthDao.Row.class)
public interface HealthDao {
    /** One row of the history. */
    record Row(
            UUID nodeId,
            Instant recordedAt,
            Double cpuLoad,
            Double loadAverage,
            Long memoryUsedBytes,
            Long memoryTotalBytes,
            Long diskFreeBytes,
            Double gpuLoad,
            Long gpuMemoryUsedBytes,
            int runningChunks) {
        public NodeSample sample() {
            return new NodeSample(
                    cpuLoad == null ? 0 : cpuLoad,
                    loadAverage,
                    memoryUsedBytes,
                    memoryTotalBytes,
                    diskFreeBytes,
                    gpuLoad,
                    gpuMemoryUsedBytes,
                    runningChunks);
        }
    }

    String COLUMNS = """
            node_id, recorded_at, cpu_load, load_average, memory_used_bytes, memory_total_bytes,
            disk_free_bytes, gpu_load, gpu_memory_used_bytes, running_chunks
            """;

    /** Each node's newest row (the index on node and time finds it per node). */
    @SqlQuery("SELECT l.* FROM unnest(:ids) AS n(id) CROSS JOIN LATERAL (SELECT " + COLUMNS + """
             FROM render.node_health_logs WHERE node_id = n.id ORDER BY recorded_at DESC LIMIT 1) l
            """)
    List<Row> newest(@Bind("ids") UUID[] ids);

    /** A node's rows from a time on, oldest first. */
    @SqlQuery("SELECT " + COLUMNS + """
             FROM render.node_health_logs WHERE node_id = :nodeId AND recorded_at >= :since
            ORDER BY recorded_at LIMIT :limit
            """)
    List<Row> since(@Bind("nodeId") UUID nodeId, @Bind("since") Instant since, @Bind("limit") int limit);

    /** A node's newest rows, newest first. */
    @SqlQuery("SELECT " + COLUMNS + """
             FROM render.node_health_logs WHERE node_id = :nodeId
            ORDER BY recorded_at DESC LIMIT :limit
            """)
    List<Row> newestOf(@Bind("nodeId") UUID nodeId, @Bind("limit") int limit);

    @SqlUpdate("""
            INSERT INTO render.node_health_logs (node_id, recorded_at, cpu_load, load_average, memory_used_bytes,
                                                 memory_total_bytes, disk_free_bytes, gpu_load, gpu_memory_used_bytes,
                                                 running_chunks)
            VALUES (:nodeId, now(), :cpuLoad, :loadAverage, :memoryUsed, :memoryTotal, :diskFree, :gpuLoad,
                    :gpuMemoryUsed, :running)
            """)
    void insert(
            @Bind("nodeId") UUID nodeId,
            @Bind("cpuLoad") Double cpuLoad,
            @Bind("loadAverage") Double loadAverage,
            @Bind("memoryUsed") Long memoryUsed,
            @Bind("memoryTotal") Long memoryTotal,
            @Bind("diskFree") Long diskFree,
            @Bind("gpuLoad") Double gpuLoad,
            @Bind("gpuMemoryUsed") Long gpuMemoryUsed,
            @Bind("running") int running);

    /** Makes this month's and the next months' partitions that are missing; answers how many. */
    @SqlQuery("SELECT render.ensure_health_partitions(:ahead)")
    int ensurePartitions(@Bind("ahead") int ahead);

    /** Drops the partitions that end before the instant; answers their names. */
    @SqlQuery("SELECT render.drop_health_partitions(:before)")
    List<String> dropPartitionsBefore(@Bind("before") Instant before);
}
