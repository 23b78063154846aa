package ir.flatrender.gateway.renders;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** {@code identity.renders} and its usage records. Every read of a tenant's renders names the tenant. */
@RegisterConstructorMapper(Render.class)
@RegisterConstructorMapper(RenderDao.OpenRender.class)
public interface RenderDao {
    /** The columns of a {@link Render}; a constant, completed by each query's {@code WHERE}. */
    String SELECT_RENDERS = """
            SELECT id, tenant_id, idempotency_key, request_sha256, template_id, aspect, tier,
                   bindings::text AS bindings, charge_seconds, charge_rial, job_id, state, error,
                   created_at, finished_at
            FROM identity.renders
            """;

    /** What a new render row is made of; its state starts as {@code submitting}. */
    record NewRender(
            UUID tenantId,
            UUID userId,
            String idempotencyKey,
            String requestSha256,
            String templateId,
            String aspect,
            String tier,
            String bindings,
            int chargeSeconds,
            long chargeRial) {}

    /** A render whose job has not ended yet, as the settlement needs it. */
    record OpenRender(
            UUID id,
            UUID tenantId,
            UUID jobId,
            String state,
            long chargeRial,
            int chargeSeconds,
            String templateId,
            String tier) {}

    @SqlQuery(SELECT_RENDERS + """
            WHERE id = :id AND tenant_id = :tenant
            """)
    Optional<Render> find(@Bind("tenant") UUID tenantId, @Bind("id") UUID id);

    @SqlQuery(SELECT_RENDERS + """
            WHERE tenant_id = :tenant AND idempotency_key = :key
            """)
    Optional<Render> byKey(@Bind("tenant") UUID tenantId, @Bind("key") String idempotencyKey);

    /** The tenant's newest 100 renders, newest first. */
    @SqlQuery(SELECT_RENDERS + """
            WHERE tenant_id = :tenant
            ORDER BY created_at DESC
            LIMIT 100
            """)
    List<Render> recent(@Bind("tenant") UUID tenantId);

    @SqlQuery("""
            INSERT INTO identity.renders (tenant_id, user_id, idempotency_key, request_sha256,
                template_id, aspect, tier, bindings, charge_seconds, charge_rial)
            VALUES (:tenantId, :userId, :idempotencyKey, :requestSha256, :templateId, :aspect, :tier,
                CAST(:bindings AS jsonb), :chargeSeconds, :chargeRial)
            RETURNING id
            """)
    UUID insert(@BindMethods NewRender render);

    /** {@code submitting → queued} with the farm's job: answers the rows moved (1, or 0 when it was not submitting). */
    @SqlUpdate("""
            UPDATE identity.renders
            SET job_id = :job, state = 'queued'
            WHERE id = :id AND state = 'submitting'
            """)
    int submitted(@Bind("id") UUID id, @Bind("job") UUID jobId);

    /** The oldest 500 renders with a job that has not ended, for the settlement. */
    @SqlQuery("""
            SELECT id, tenant_id, job_id, state, charge_rial, charge_seconds, template_id, tier
            FROM identity.renders
            WHERE state IN ('queued', 'rendering') AND job_id IS NOT NULL
            ORDER BY created_at
            LIMIT 500
            """)
    List<OpenRender> open();

    /**
     * An open render moved to {@code state} ({@code finished_at} set when it is a final one):
     * answers the rows moved, 0 when it had left the open states already.
     */
    @SqlUpdate("""
            UPDATE identity.renders
            SET state = :state, error = :error, finished_at = CASE WHEN :terminal THEN now() END
            WHERE id = :id AND state IN ('submitting', 'queued', 'rendering')
            """)
    int move(
            @Bind("id") UUID id,
            @Bind("state") String state,
            @Bind("error") String error,
            @Bind("terminal") boolean terminal);

    @SqlUpdate("""
            INSERT INTO identity.usage_records (tenant_id, render_id, seconds, amount_rial)
            VALUES (:tenant, :render, :seconds, :rial)
            """)
    void recordUsage(
            @Bind("tenant") UUID tenantId,
            @Bind("render") UUID renderId,
            @Bind("seconds") int seconds,
            @Bind("rial") long rial);
}
