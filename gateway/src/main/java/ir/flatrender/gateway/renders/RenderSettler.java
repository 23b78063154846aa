package ir.flatrender.gateway.renders;

import static java.util.Objects.requireNonNull;

import ir.flatrender.gateway.billing.Billing;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the renders still open and settles each once its job ends: the hold is captured
 * and the usage recorded when it succeeded, released when it failed or was cancelled — in
 * one transaction with the render's new state, so it happens exactly once (the render's
 * state moves only from an open one, and the ledger allows one settlement a render).
 */
public final class RenderSettler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RenderSettler.class);
    static final Set<String> OPEN = Set.of("submitting", "queued", "rendering");

    private final Jdbi jdbi;
    private final FarmClient farm;
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final ScheduledExecutorService timer;

    public RenderSettler(
            Jdbi jdbi, FarmClient farm, com.fasterxml.jackson.databind.ObjectMapper json, Duration period) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.farm = requireNonNull(farm, "farm is null");
        this.json = requireNonNull(json, "json is null");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "render-settler");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::sweep, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The gateway's name for a job's state. */
    public static Optional<String> stateOf(JobState state) {
        return switch (state) {
            case JOB_STATE_QUEUED, JOB_STATE_PAUSED -> Optional.of("queued");
            case JOB_STATE_RUNNING, JOB_STATE_ASSEMBLING -> Optional.of("rendering");
            case JOB_STATE_SUCCEEDED -> Optional.of("succeeded");
            case JOB_STATE_FAILED -> Optional.of("failed");
            case JOB_STATE_CANCELLED -> Optional.of("cancelled");
            default -> Optional.empty();
        };
    }

    private record Open(
            UUID id,
            UUID tenantId,
            UUID jobId,
            String state,
            long chargeRial,
            int chargeSeconds,
            String template,
            String tier) {}

    /** One pass over the open renders; public for tests that need a settlement now. */
    public void sweep() {
        try {
            List<Open> open = jdbi.withHandle(handle -> handle.createQuery("""
                            SELECT id, tenant_id, job_id, state, charge_rial, charge_seconds, template_id, tier
                            FROM identity.renders
                            WHERE state IN ('queued', 'rendering') AND job_id IS NOT NULL
                            ORDER BY created_at LIMIT 500
                            """)
                    .map((rs, c) -> new Open(
                            rs.getObject("id", UUID.class),
                            rs.getObject("tenant_id", UUID.class),
                            rs.getObject("job_id", UUID.class),
                            rs.getString("state"),
                            rs.getLong("charge_rial"),
                            rs.getInt("charge_seconds"),
                            rs.getString("template_id"),
                            rs.getString("tier")))
                    .list());
            for (Open render : open) {
                Job job;
                try {
                    job = farm.get(render.tenantId().toString(), render.jobId().toString());
                } catch (RuntimeException e) {
                    log.warn("render {}: could not read its job {}: {}", render.id(), render.jobId(), e.getMessage());
                    continue;
                }
                String state = stateOf(job.getState()).orElse(render.state());
                if (state.equals(render.state())) {
                    continue;
                }
                settle(render, state, job.getError());
            }
        } catch (RuntimeException e) {
            log.warn("render settlement failed; it is tried again: {}", e.toString());
        }
    }

    private void settle(Open render, String state, String error) {
        jdbi.useTransaction(handle -> {
            boolean terminal = !OPEN.contains(state);
            int moved = handle.createUpdate("""
                            UPDATE identity.renders
                            SET state = :state, error = :error, finished_at = CASE WHEN :terminal THEN now() END
                            WHERE id = :id AND state IN ('submitting', 'queued', 'rendering')
                            """)
                    .bind("state", state)
                    .bind("error", error == null || error.isEmpty() ? null : error)
                    .bind("terminal", terminal)
                    .bind("id", render.id())
                    .execute();
            if (moved == 0 || !terminal) {
                return;
            }
            if (render.chargeRial() > 0) {
                Billing.entry(
                        handle,
                        render.tenantId(),
                        state.equals("succeeded") ? "capture" : "release",
                        render.chargeRial(),
                        render.id(),
                        "render:" + render.id() + ":" + state);
            }
            if (state.equals("succeeded")) {
                handle.createUpdate("""
                                INSERT INTO identity.usage_records (tenant_id, render_id, seconds, amount_rial)
                                VALUES (:t, :r, :s, :a)
                                """)
                        .bind("t", render.tenantId())
                        .bind("r", render.id())
                        .bind("s", render.chargeSeconds())
                        .bind("a", render.chargeRial())
                        .execute();
            }
            if (!state.equals("cancelled")) {
                // In the transaction of the state it reports: sent if and only if this commits.
                com.fasterxml.jackson.databind.node.ObjectNode data = json.createObjectNode();
                data.put("id", render.id().toString());
                data.put("state", state);
                data.put("template", render.template());
                data.put("tier", render.tier());
                data.put("charge_rial", render.chargeRial());
                if (state.equals("succeeded")) {
                    data.put("download_url", "/v1/renders/" + render.id() + "/download");
                } else if (error != null && !error.isEmpty()) {
                    data.put("error", error);
                }
                ir.flatrender.gateway.webhooks.Webhooks.enqueue(
                        handle, json, render.tenantId(), "render." + state, data);
            }
            log.info(
                    "render {} {}: {} Rial {}",
                    render.id(),
                    state,
                    render.chargeRial(),
                    state.equals("succeeded") ? "captured" : "released");
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
