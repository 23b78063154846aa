package ir.flatrender.orchestrator.health;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** {@code render.node_health_logs} and its monthly partitions. */
public interface HealthDao {
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
