package ir.flatrender.gateway.renders;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.gateway.billing.Billing;
import ir.flatrender.gateway.billing.Wallet;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.gateway.identity.Secrets;
import ir.flatrender.gateway.uploads.Uploads;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of a render order: one render an idempotency key, priced by the tenant's plan,
 * paid for by a hold on the wallet within the monthly quota, submitted to the farm in the same
 * transaction (a refused one leaves no row and no hold), and settled once its job ends.
 */
public final class RenderOrders {
    private static final Logger log = LoggerFactory.getLogger(RenderOrders.class);

    private final Jdbi jdbi;
    private final Billing billing;
    private final Wallet wallet;
    private final RenderFarm farm;
    private final Uploads uploads;
    private final ObjectMapper json;

    public RenderOrders(
            Jdbi jdbi, Billing billing, Wallet wallet, RenderFarm farm, Uploads uploads, ObjectMapper json) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.billing = requireNonNull(billing, "billing is null");
        this.wallet = requireNonNull(wallet, "wallet is null");
        this.farm = requireNonNull(farm, "farm is null");
        this.uploads = requireNonNull(uploads, "uploads is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** A render as a client orders it; the bindings are checked already. */
    public record Order(
            String templateId, String aspect, String tier, ObjectNode bindings, Optional<String> idempotencyKey) {
        public Order {
            requireNonNull(templateId, "templateId is null");
            requireNonNull(aspect, "aspect is null");
            requireNonNull(tier, "tier is null");
            requireNonNull(bindings, "bindings is null");
            requireNonNull(idempotencyKey, "idempotencyKey is null");
        }

        /** What makes two orders the same request: a digest of the canonical JSON of its fields. */
        String digest(ObjectMapper json) {
            ObjectNode canonical = json.createObjectNode();
            canonical.put("template", templateId).put("aspect", aspect).put("tier", tier);
            canonical.set("bindings", bindings);
            return Secrets.sha256(canonical.toString());
        }
    }

    /** The render an order made; {@code replayed} when an earlier order with its key made it. */
    public record Submitted(Render render, boolean replayed) {}

    public Optional<Render> render(UUID tenantId, UUID id) {
        return jdbi.withExtension(RenderDao.class, renders -> renders.find(tenantId, id));
    }

    /** The tenant's newest 100 renders, newest first. */
    public List<Render> recent(UUID tenantId) {
        return jdbi.withExtension(RenderDao.class, renders -> renders.recent(tenantId));
    }

    /**
     * Places an order for the principal's tenant: the render its idempotency key made already
     * (422 when that was another request), or a new one, held for and submitted. Problems: 422
     * for a template the farm lacks or a tier the plan lacks, 409 without a plan, 403 past the
     * monthly quota, 402 past the wallet's balance, and the farm's own refusals.
     */
    public Submitted submit(Principal principal, Order order, AuditLog.Origin origin) {
        UUID tenantId = principal.tenantId();
        String digest = order.digest(json);
        Optional<String> key = order.idempotencyKey();
        if (key.isPresent()) {
            Optional<Render> existing = byKey(tenantId, key.get());
            if (existing.isPresent()) {
                return replay(existing.get(), digest);
            }
        }
        RenderFarm.TemplateLength template = farm.template(order.templateId())
                .orElseThrow(() -> Problem.invalidField("template", "no template " + order.templateId()));
        Billing.Plan plan = billing.planOf(tenantId);
        Billing.Quote quote = Billing.quote(plan, template.id(), template.seconds(), order.tier());
        // The render keeps the bindings as ordered (an upload by its id); the farm gets the bytes.
        ObjectNode farmBindings = uploads.resolve(tenantId, order.bindings());
        Render created;
        try {
            created =
                    jdbi.inTransaction(handle -> place(handle, principal, order, farmBindings, digest, quote, origin));
        } catch (UnableToExecuteStatementException e) {
            // Two requests with one key at once: the other one's row won.
            if (key.isPresent() && e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return replay(byKey(tenantId, key.get()).orElseThrow(), digest);
            }
            throw e;
        }
        if (!created.requestSha256().equals(digest)) {
            return replay(created, digest);
        }
        return new Submitted(created, false);
    }

    /** In one transaction with the tenant's wallet locked, so concurrent orders cannot overdraw it. */
    private Render place(
            Handle handle,
            Principal principal,
            Order order,
            ObjectNode farmBindings,
            String digest,
            Billing.Quote quote,
            AuditLog.Origin origin) {
        UUID tenantId = principal.tenantId();
        RenderDao renders = handle.attach(RenderDao.class);
        wallet.lock(handle, tenantId);
        if (order.idempotencyKey().isPresent()) {
            Optional<Render> raced =
                    renders.byKey(tenantId, order.idempotencyKey().get());
            if (raced.isPresent()) {
                return raced.get();
            }
        }
        wallet.requireFunds(handle, tenantId, quote);
        UUID id = renders.insert(new RenderDao.NewRender(
                tenantId,
                principal.userId().orElse(null),
                order.idempotencyKey().orElse(null),
                digest,
                order.templateId(),
                order.aspect(),
                order.tier(),
                order.bindings().toString(),
                quote.chargeSeconds(),
                quote.chargeRial()));
        wallet.hold(handle, tenantId, id, quote.chargeRial());
        // Submitted inside the transaction: a render the farm refuses (bad bindings, a tier it
        // lacks) leaves no row and no hold behind. The job's idempotency key is the render's
        // id, so a retried submit is the same job.
        UUID job = farm.submit(new RenderFarm.Job(
                tenantId, order.templateId(), order.aspect(), order.tier(), farmBindings, "gateway-render-" + id));
        if (renders.submitted(id, job) != 1) {
            throw new IllegalStateException("render " + id + " left 'submitting' inside its own transaction");
        }
        AuditLog.record(
                handle,
                tenantId,
                principal.userId(),
                "render.submitted",
                "render:" + id,
                json.createObjectNode()
                        .put("template", order.templateId())
                        .put("tier", order.tier())
                        .put("charge_rial", quote.chargeRial())
                        .put("job_id", job.toString()),
                origin.requestId(),
                origin.ip());
        return renders.find(tenantId, id).orElseThrow();
    }

    private Optional<Render> byKey(UUID tenantId, String key) {
        return jdbi.withExtension(RenderDao.class, renders -> renders.byKey(tenantId, key));
    }

    private static Submitted replay(Render existing, String digest) {
        if (!Secrets.sameDigest(existing.requestSha256(), digest)) {
            throw Problem.of(
                    422,
                    "idempotency-key-reused",
                    "Idempotency-Key reused",
                    "this Idempotency-Key was used for a different render request");
        }
        return new Submitted(existing, true);
    }

    /**
     * One pass over the open renders: each whose job moved is moved too, and settled when the
     * job ended. A job the farm cannot answer for now is tried on the next pass.
     */
    public void settleOpen() {
        List<RenderDao.OpenRender> open = jdbi.withExtension(RenderDao.class, RenderDao::open);
        for (RenderDao.OpenRender render : open) {
            RenderFarm.JobStatus job;
            try {
                job = farm.status(render.tenantId(), render.jobId());
            } catch (RuntimeException e) {
                log.warn("render {}: could not read its job {}: {}", render.id(), render.jobId(), e.getMessage());
                continue;
            }
            String state = job.state().orElse(render.state());
            if (!state.equals(render.state())) {
                settle(render, state, job.error());
            }
        }
    }

    /**
     * Moves a render to {@code state}; when that is a final one, in the same transaction, its
     * hold is captured (and its usage recorded) or released, and its webhook event queued — so
     * this happens once: the render moves only from an open state, and the ledger takes one
     * settlement a render.
     */
    void settle(RenderDao.OpenRender render, String state, String error) {
        jdbi.useTransaction(handle -> {
            RenderDao renders = handle.attach(RenderDao.class);
            boolean terminal = !Render.OPEN.contains(state);
            int moved = renders.move(render.id(), state, error == null || error.isEmpty() ? null : error, terminal);
            if (moved == 0 || !terminal) {
                return;
            }
            boolean succeeded = state.equals("succeeded");
            wallet.settle(handle, render.tenantId(), render.id(), render.chargeRial(), succeeded, state);
            if (succeeded) {
                renders.recordUsage(render.tenantId(), render.id(), render.chargeSeconds(), render.chargeRial());
            }
            if (!state.equals("cancelled")) {
                // In the transaction of the state it reports: sent if and only if this commits.
                ObjectNode data = json.createObjectNode();
                data.put("id", render.id().toString());
                data.put("state", state);
                data.put("template", render.templateId());
                data.put("tier", render.tier());
                data.put("charge_rial", render.chargeRial());
                if (succeeded) {
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
                    succeeded ? "captured" : "released");
        });
    }
}
