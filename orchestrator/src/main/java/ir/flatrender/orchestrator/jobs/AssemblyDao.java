package ir.flatrender.orchestrator.jobs;

import java.util.List;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * What a job's chunks made and what is made of them: the accepted segments, the assembly lease
 * that lets one orchestrator of several put a job together, and the exports.
 */
@RegisterConstructorMapper(SegmentRow.class)
@RegisterConstructorMapper(ExportRow.class)
public interface AssemblyDao {

    /** The accepted files of a job's done chunks, in chunk order. */
    @SqlQuery("""
            SELECT s.chunk_id, f.seq, s.tier, s.attempt, s.blob_key, s.size_bytes, s.sha256
            FROM render.segments s JOIN render.frame_jobs f ON f.id = s.chunk_id
            WHERE f.job_id = :jobId AND f.state = 'done' AND s.attempt = f.attempt
            ORDER BY f.seq, s.tier
            """)
    List<SegmentRow> listSegments(@Bind("jobId") UUID jobId);

    /**
     * Takes the job's assembly for this orchestrator until the lease runs out: when no one holds
     * it, this orchestrator already does, or the holder's lease ran out (it died). One wins.
     */
    @SqlUpdate("""
            UPDATE render.render_jobs
            SET assembler_id = :orchestratorId,
                assembly_lease_expires_at = now() + make_interval(secs => :leaseSeconds), updated_at = now()
            WHERE id = :id AND state = 'assembling'
              AND (assembler_id IS NULL OR assembler_id = :orchestratorId OR assembly_lease_expires_at < now())
            """)
    int claimAssembly(
            @Bind("id") UUID id,
            @Bind("orchestratorId") UUID orchestratorId,
            @Bind("leaseSeconds") double leaseSeconds);

    /** Renews this orchestrator's assembly leases of the given jobs. */
    @SqlUpdate("""
            UPDATE render.render_jobs
            SET assembly_lease_expires_at = now() + make_interval(secs => :leaseSeconds)
            WHERE id = ANY(:ids) AND state = 'assembling' AND assembler_id = :orchestratorId
            """)
    int renewAssemblies(
            @Bind("ids") UUID[] ids,
            @Bind("orchestratorId") UUID orchestratorId,
            @Bind("leaseSeconds") double leaseSeconds);

    /** Ends an assembly this orchestrator holds: succeeded, failed, or back to running for repairs. */
    @SqlUpdate("""
            UPDATE render.render_jobs
            SET state = :to, error = :error, updated_at = now(), assembler_id = NULL, assembly_lease_expires_at = NULL,
                finished_at = CASE WHEN :to IN ('succeeded', 'failed') THEN now() ELSE NULL END
            WHERE id = :id AND state = 'assembling' AND assembler_id = :orchestratorId
            """)
    int finishAssembly(
            @Bind("id") UUID id,
            @Bind("orchestratorId") UUID orchestratorId,
            @Bind("to") String to,
            @Bind("error") String error);

    /** Jobs waiting to be assembled that no live orchestrator is assembling (or this one lost). */
    @SqlQuery("""
            SELECT id FROM render.render_jobs
            WHERE state = 'assembling'
              AND (assembler_id IS NULL OR assembler_id = :orchestratorId OR assembly_lease_expires_at < now())
            ORDER BY created_at
            """)
    List<UUID> unassembledJobs(@Bind("orchestratorId") UUID orchestratorId);

    /**
     * Active jobs whose chunks are all done but that never moved to assembling (the database
     * went away between the last chunk and the job's own change).
     */
    @SqlQuery("""
            SELECT j.id FROM render.render_jobs j
            WHERE j.state = ANY(:from)
              AND NOT EXISTS (SELECT 1 FROM render.frame_jobs f WHERE f.job_id = j.id AND f.state <> 'done')
            ORDER BY j.created_at
            """)
    List<UUID> doneButNotAssembling(@Bind("from") String[] from);

    @SqlUpdate("""
            INSERT INTO render.exports (id, job_id, tier, blob_key, size_bytes, width, height, frame_count,
                                        duration_millis, codec, thumbnail_key, sha256, has_audio,
                                        audio_duration_millis)
            VALUES (:id, :jobId, :tier, :blobKey, :sizeBytes, :width, :height, :frameCount,
                    :durationMillis, :codec, :thumbnailKey, :sha256, :hasAudio, :audioDurationMillis)
            ON CONFLICT (job_id, tier) DO UPDATE SET
                blob_key = EXCLUDED.blob_key, size_bytes = EXCLUDED.size_bytes, width = EXCLUDED.width,
                height = EXCLUDED.height, frame_count = EXCLUDED.frame_count,
                duration_millis = EXCLUDED.duration_millis, codec = EXCLUDED.codec,
                thumbnail_key = EXCLUDED.thumbnail_key, sha256 = EXCLUDED.sha256,
                has_audio = EXCLUDED.has_audio, audio_duration_millis = EXCLUDED.audio_duration_millis,
                created_at = now()
            """)
    void upsertExport(@BindMethods ExportRow export);

    /** The job's exports, its own tier first. */
    @SqlQuery("""
            SELECT e.* FROM render.exports e JOIN render.render_jobs j ON j.id = e.job_id
            WHERE e.job_id = :jobId
            ORDER BY e.tier = j.tier DESC, e.tier
            """)
    List<ExportRow> findExports(@Bind("jobId") UUID jobId);

    @SqlQuery("""
            SELECT e.* FROM render.exports e JOIN render.render_jobs j ON j.id = e.job_id
            WHERE e.job_id = ANY(:jobIds)
            ORDER BY e.job_id, e.tier = j.tier DESC, e.tier
            """)
    List<ExportRow> findExportsOf(@Bind("jobIds") UUID[] jobIds);
}
