package ir.flatrender.gateway.renders;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.javalin.http.Context;
import ir.flatrender.gateway.billing.Billing;
import ir.flatrender.gateway.billing.BillingRoutes;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.Requests;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.gateway.identity.Secrets;
import ir.flatrender.proto.farm.v1.ExportData;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobProgress;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.RenderSnapshotRequest;
import ir.flatrender.proto.farm.v1.Snapshot;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.proto.farm.v1.Template;
import ir.flatrender.proto.farm.v1.WatchJobRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.time.OffsetDateTime;
import java.util.Iterator;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The render API: the template catalog, preview stills, and renders — quoted, paid for by a
 * hold on the wallet, submitted to the orchestrator, followed, downloaded. Every query is
 * scoped by the caller's tenant; another tenant's render is answered 404.
 */
public final class RenderRoutes {
    private static final Pattern ASPECT = Pattern.compile("^(16:9|1:1|9:16)$");
    private static final Pattern RANGE = Pattern.compile("^bytes=(\\d*)-(\\d*)$");

    private final Jdbi jdbi;
    private final Billing billing;
    private final FarmClient farm;
    private final ObjectMapper json;
    private final EventStreams streams;

    public RenderRoutes(Jdbi jdbi, Billing billing, FarmClient farm, EventStreams streams, ObjectMapper json) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.billing = requireNonNull(billing, "billing is null");
        this.farm = requireNonNull(farm, "farm is null");
        this.streams = requireNonNull(streams, "streams is null");
        this.json = requireNonNull(json, "json is null");
    }

    public void register(RouteTable routes) {
        routes.get("/v1/templates", this::templates);
        routes.get("/v1/templates/{id}/thumbnail", this::thumbnail);
        routes.post("/v1/snapshots", this::snapshot);
        routes.post("/v1/renders", this::submit);
        routes.get("/v1/renders", this::list);
        routes.get("/v1/renders/{id}", this::get);
        routes.post("/v1/renders/{id}/cancel", this::cancel);
        routes.get("/v1/renders/{id}/events", this::events);
        routes.get("/v1/renders/{id}/download", this::download);
    }

    /** A render row of the caller's tenant. */
    record RenderRow(
            UUID id,
            UUID tenantId,
            String idempotencyKey,
            String requestSha256,
            String templateId,
            String aspect,
            String tier,
            String bindings,
            int chargeSeconds,
            long chargeRial,
            UUID jobId,
            String state,
            String error,
            OffsetDateTime createdAt,
            OffsetDateTime finishedAt) {}

    static final String RENDER_COLUMNS = """
            id, tenant_id, idempotency_key, request_sha256, template_id, aspect, tier, bindings::text AS bindings,
            charge_seconds, charge_rial, job_id, state, error, created_at, finished_at
            """;

    static RenderRow map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new RenderRow(
                rs.getObject("id", UUID.class),
                rs.getObject("tenant_id", UUID.class),
                rs.getString("idempotency_key"),
                rs.getString("request_sha256"),
                rs.getString("template_id"),
                rs.getString("aspect"),
                rs.getString("tier"),
                rs.getString("bindings"),
                rs.getInt("charge_seconds"),
                rs.getLong("charge_rial"),
                rs.getObject("job_id", UUID.class),
                rs.getString("state"),
                rs.getString("error"),
                rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("finished_at", OffsetDateTime.class));
    }

    private Optional<RenderRow> find(Handle handle, UUID tenantId, UUID id) {
        return handle.createQuery(
                        "SELECT " + RENDER_COLUMNS + " FROM identity.renders WHERE id = :id AND tenant_id = :t")
                .bind("id", id)
                .bind("t", tenantId)
                .map((rs, c) -> map(rs))
                .findOne();
    }

    private RenderRow render(Context ctx, Principal principal) {
        UUID id;
        try {
            id = UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("render " + ctx.pathParam("id"));
        }
        return jdbi.withHandle(handle -> find(handle, principal.tenantId(), id))
                .orElseThrow(() -> Problem.notFound("render " + id));
    }

    private void templates(Context ctx) {
        Requests.principal(ctx).requireScope("renders:read");
        ArrayNode out = json.createArrayNode();
        for (Template template : farm.listTemplates()) {
            ObjectNode node = out.addObject();
            node.put("id", template.getId());
            node.put("version", template.getVersion());
            node.putObject("name").put("en", template.getNameEn()).put("fa", template.getNameFa());
            node.put("engine", template.getEngine());
            node.put("fps", template.getFps());
            node.put("duration_frames", template.getDurationFrames());
            node.put("length_seconds", template.getDurationFrames() / (double) template.getFps());
            ArrayNode aspects = node.putArray("aspects");
            template.getAspectsList()
                    .forEach(a -> aspects.addObject()
                            .put("aspect", a.getAspect())
                            .put("width", a.getWidth())
                            .put("height", a.getHeight()));
            try {
                node.set("bindings", json.readTree(template.getBindingsJson()));
            } catch (IOException e) {
                node.putArray("bindings");
            }
            // A still of the middle frame at 360p, rendered once and cached by the farm.
            node.put("thumbnail_url", "/v1/templates/" + template.getId() + "/thumbnail");
        }
        ctx.json(json.createObjectNode().set("templates", out));
    }

    private Struct struct(JsonNode bindings) {
        Struct.Builder struct = Struct.newBuilder();
        try {
            JsonFormat.parser().merge(bindings.toString(), struct);
        } catch (InvalidProtocolBufferException e) {
            throw Problem.invalidField("bindings", "must be a JSON object: " + e.getMessage());
        }
        return struct.build();
    }

    private void snapshot(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.requireScope("renders:write");
        RequestBodies body = RequestBodies.read(ctx, json);
        String templateId = body.string("template", 100);
        String aspect = body.string("aspect", 5, ASPECT, "16:9, 1:1 or 9:16");
        ObjectNode bindings = body.bindings("bindings");
        int frame = body.optionalInt("frame", 0, 1_000_000, 0);
        body.check();
        Snapshot snapshot = farm.snapshot(RenderSnapshotRequest.newBuilder()
                .setTenantId(principal.tenantId().toString())
                .setTemplateId(templateId)
                .setAspect(aspect)
                .setBindings(struct(bindings))
                .setFrame(frame)
                .setTier("720p")
                .setFormat("jpeg")
                .build());
        ctx.header("Cache-Control", "private, max-age=3600");
        ctx.header("ETag", "\"" + snapshot.getCacheKey() + "\"");
        ctx.contentType("image/jpeg").result(snapshot.getImage().toByteArray());
    }

    /**
     * A catalog thumbnail: the template's middle frame at 360p with its default bindings, in
     * 16:9 when it has it. Public, like the catalog's names; the farm renders it once and caches it.
     */
    private void thumbnail(Context ctx) {
        String id = ctx.pathParam("id");
        Template template = farm.template(id).orElseThrow(() -> Problem.notFound("template " + id));
        String aspect = template.getAspectsList().stream()
                .map(ir.flatrender.proto.farm.v1.TemplateAspect::getAspect)
                .filter("16:9"::equals)
                .findFirst()
                .orElse(
                        template.getAspectsCount() == 0
                                ? "16:9"
                                : template.getAspects(0).getAspect());
        Snapshot snapshot = farm.snapshot(RenderSnapshotRequest.newBuilder()
                .setTenantId(ir.flatrender.gateway.identity.FarmAdmins.DEFAULT_TENANT.toString())
                .setTemplateId(id)
                .setAspect(aspect)
                .setFrame(template.getDurationFrames() / 2)
                .setTier("360p")
                .setFormat("jpeg")
                .build());
        ctx.header("Cache-Control", "public, max-age=86400");
        ctx.header("ETag", "\"" + snapshot.getCacheKey() + "\"");
        ctx.contentType("image/jpeg").result(snapshot.getImage().toByteArray());
    }

    private void submit(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.require(Principal.Role.EDITOR);
        principal.requireScope("renders:write");
        RequestBodies body = RequestBodies.read(ctx, json);
        String templateId = body.string("template", 100);
        String aspect = body.string("aspect", 5, ASPECT, "16:9, 1:1 or 9:16");
        String tier = body.string("tier", 10);
        ObjectNode bindings = body.bindings("bindings");
        String key = ctx.header("Idempotency-Key");
        if (key != null && (key.isBlank() || key.length() > 200)) {
            throw Problem.of(400, "bad-idempotency-key", "Bad Idempotency-Key", "the key is 1 to 200 characters");
        }
        body.check();
        ObjectNode canonical = json.createObjectNode();
        canonical.put("template", templateId).put("aspect", aspect).put("tier", tier);
        canonical.set("bindings", bindings);
        String requestSha = Secrets.sha256(canonical.toString());
        if (key != null) {
            Optional<RenderRow> existing = byKey(principal.tenantId(), key);
            if (existing.isPresent()) {
                replay(ctx, existing.get(), requestSha);
                return;
            }
        }
        Template template = BillingRoutes.template(farm, body, templateId);
        body.check();
        Billing.Plan plan = jdbi.withHandle(h -> billing.planOf(h, principal.tenantId()));
        Billing.Quote quote = Billing.quote(plan, template, tier);

        RenderRow created;
        try {
            created = jdbi.inTransaction(handle -> {
                Billing.lockWallet(handle, principal.tenantId());
                if (key != null) {
                    Optional<RenderRow> raced = handle.createQuery("SELECT " + RENDER_COLUMNS
                                    + " FROM identity.renders WHERE tenant_id = :t AND idempotency_key = :k")
                            .bind("t", principal.tenantId())
                            .bind("k", key)
                            .map((rs, c) -> map(rs))
                            .findOne();
                    if (raced.isPresent()) {
                        return raced.get();
                    }
                }
                Optional<Integer> quota = Billing.monthlyQuota(handle, principal.tenantId());
                long used = Billing.usedThisMonth(handle, principal.tenantId());
                if (quota.isPresent() && used + quote.chargeSeconds() > quota.get()) {
                    throw Problem.of(
                            403,
                            "quota-exhausted",
                            "Monthly quota exhausted",
                            "this render needs " + quote.chargeSeconds() + " render seconds; " + used + " of "
                                    + quota.get() + " are used this month");
                }
                Billing.Balance balance = Billing.balance(handle, principal.tenantId());
                if (balance.availableRial() < quote.chargeRial()) {
                    throw Problem.of(
                            402,
                            "insufficient-balance",
                            "Insufficient balance",
                            "this render costs " + quote.chargeRial() + " Rial; the wallet has "
                                    + balance.availableRial() + " available");
                }
                UUID id = handle.createQuery("""
                                INSERT INTO identity.renders (tenant_id, user_id, idempotency_key, request_sha256,
                                    template_id, aspect, tier, bindings, charge_seconds, charge_rial)
                                VALUES (:t, :u, :k, :sha, :template, :aspect, :tier, CAST(:bindings AS jsonb),
                                    :seconds, :rial)
                                RETURNING id
                                """)
                        .bind("t", principal.tenantId())
                        .bind("u", principal.userId().orElse(null))
                        .bind("k", key)
                        .bind("sha", requestSha)
                        .bind("template", templateId)
                        .bind("aspect", aspect)
                        .bind("tier", tier)
                        .bind("bindings", bindings.toString())
                        .bind("seconds", quote.chargeSeconds())
                        .bind("rial", quote.chargeRial())
                        .mapTo(UUID.class)
                        .one();
                if (quote.chargeRial() > 0) {
                    Billing.entry(handle, principal.tenantId(), "hold", quote.chargeRial(), id, "render:" + id);
                }
                // Submitted inside the transaction: a render the farm refuses (bad bindings,
                // a tier it lacks) leaves no row and no hold behind. The job's idempotency key is
                // the render's id, so a retried submit is the same job.
                Job job = farm.submit(SubmitJobRequest.newBuilder()
                        .setTenantId(principal.tenantId().toString())
                        .setTemplateId(templateId)
                        .setAspect(aspect)
                        .setTier(tier)
                        .setBindings(struct(bindings))
                        .setIdempotencyKey("gateway-render-" + id)
                        .build());
                handle.createUpdate("UPDATE identity.renders SET job_id = :job, state = 'queued' WHERE id = :id")
                        .bind("job", UUID.fromString(job.getId()))
                        .bind("id", id)
                        .execute();
                AuditLog.record(
                        handle,
                        principal.tenantId(),
                        principal.userId(),
                        "render.submitted",
                        "render:" + id,
                        json.createObjectNode()
                                .put("template", templateId)
                                .put("tier", tier)
                                .put("charge_rial", quote.chargeRial())
                                .put("job_id", job.getId()),
                        Requests.requestId(ctx),
                        Requests.ip(ctx));
                return find(handle, principal.tenantId(), id).orElseThrow();
            });
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            // Two requests with one key at once: the other one's row won.
            if (key != null && e.getCause() instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                replay(ctx, byKey(principal.tenantId(), key).orElseThrow(), requestSha);
                return;
            }
            throw e;
        }
        if (!created.requestSha256().equals(requestSha)) {
            replay(ctx, created, requestSha);
            return;
        }
        ctx.status(201).header("Location", "/v1/renders/" + created.id()).json(renderJson(created, Optional.empty()));
    }

    private Optional<RenderRow> byKey(UUID tenantId, String key) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + RENDER_COLUMNS
                        + " FROM identity.renders WHERE tenant_id = :t AND idempotency_key = :k")
                .bind("t", tenantId)
                .bind("k", key)
                .map((rs, c) -> map(rs))
                .findOne());
    }

    private void replay(Context ctx, RenderRow existing, String requestSha) {
        if (!Secrets.sameDigest(existing.requestSha256(), requestSha)) {
            throw Problem.of(
                    422,
                    "idempotency-key-reused",
                    "Idempotency-Key reused",
                    "this Idempotency-Key was used for a different render request");
        }
        ctx.status(200).header("Idempotent-Replayed", "true").json(renderJson(existing, Optional.empty()));
    }

    private void list(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.requireScope("renders:read");
        ArrayNode out = json.createArrayNode();
        jdbi.useHandle(handle -> handle.createQuery("SELECT " + RENDER_COLUMNS
                        + " FROM identity.renders WHERE tenant_id = :t ORDER BY created_at DESC LIMIT 100")
                .bind("t", principal.tenantId())
                .map((rs, c) -> map(rs))
                .forEach(row -> out.add(renderJson(row, Optional.empty()))));
        ctx.json(json.createObjectNode().set("renders", out));
    }

    private void get(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.requireScope("renders:read");
        RenderRow row = render(ctx, principal);
        Optional<Job> job = row.jobId() == null
                ? Optional.empty()
                : Optional.of(
                        farm.get(principal.tenantId().toString(), row.jobId().toString()));
        ctx.json(renderJson(row, job));
    }

    private void cancel(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.require(Principal.Role.EDITOR);
        principal.requireScope("renders:write");
        RenderRow row = render(ctx, principal);
        if (row.jobId() == null || !RenderSettler.OPEN.contains(row.state())) {
            throw Problem.conflict("render-finished", "render " + row.id() + " is " + row.state());
        }
        Job job = farm.cancel(principal.tenantId().toString(), row.jobId().toString(), "cancelled through the gateway");
        ctx.status(202).json(renderJson(row, Optional.of(job)));
    }

    ObjectNode renderJson(RenderRow row, Optional<Job> job) {
        ObjectNode out = json.createObjectNode();
        out.put("id", row.id().toString());
        out.put("template", row.templateId());
        out.put("aspect", row.aspect());
        out.put("tier", row.tier());
        try {
            out.set("bindings", json.readTree(row.bindings()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String state = row.state();
        if (job.isPresent() && RenderSettler.OPEN.contains(state)) {
            state = RenderSettler.stateOf(job.get().getState()).orElse(state);
        }
        out.put("state", state);
        out.put("charge_seconds", row.chargeSeconds());
        out.put("charge_rial", row.chargeRial());
        if (row.error() != null) {
            out.put("error", row.error());
        }
        job.ifPresent(j -> {
            ObjectNode progress = out.putObject("progress");
            progress.put("frames_done", j.getFramesDone());
            progress.put("total_frames", j.getTotalFrames());
            progress.put("chunks_done", j.getChunksDone());
            progress.put("chunks_total", j.getChunksTotal());
            if (!j.getError().isEmpty()) {
                out.put("error", j.getError());
            }
        });
        out.put("created_at", row.createdAt().toString());
        if (row.finishedAt() != null) {
            out.put("finished_at", row.finishedAt().toString());
        }
        if ("succeeded".equals(state)) {
            out.put("download_url", "/v1/renders/" + row.id() + "/download");
        }
        return out;
    }

    /**
     * Server-sent events: a {@code progress} event as the farm reports it, then {@code end}
     * with the final state ({@code error} when the farm fails, {@code expired} at the stream's
     * maximum life). Served by {@link EventStreams}: no thread waits on a stream.
     */
    private void events(Context ctx) {
        Principal principal = Requests.principal(ctx);
        principal.requireScope("renders:read");
        RenderRow row = render(ctx, principal);
        EventStreams.Slot slot = streams.reserve(principal.tenantId(), Requests.ip(ctx));
        ctx.res().setStatus(200);
        ctx.res().setContentType("text/event-stream;charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        CompletableFuture<Void> ended = new CompletableFuture<>();
        ctx.future(() -> {
            EventStreams.Stream stream;
            try {
                stream = streams.start(slot, ctx.res().getOutputStream(), () -> ended.complete(null));
            } catch (IOException | RuntimeException e) {
                streams.release(slot);
                ended.complete(null);
                return ended;
            }
            // Sent at once, so the client has the answer's head before the first event.
            stream.comment("stream open");
            if (row.jobId() == null) {
                stream.finish(
                        "end", json.createObjectNode().put("state", row.state()).toString());
                return ended;
            }
            farm.watch(principal.tenantId().toString(), row.jobId().toString(), new Watcher(stream, row.state()));
            return ended;
        });
    }

    /** The farm's progress of one job, passed on to one stream; cancelled when the stream ends. */
    private final class Watcher implements ClientResponseObserver<WatchJobRequest, JobProgress> {
        private final EventStreams.Stream stream;
        private volatile String last;

        Watcher(EventStreams.Stream stream, String state) {
            this.stream = stream;
            this.last = state;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchJobRequest> call) {
            stream.done().whenComplete((ignored, error) -> call.cancel("the client's stream ended", null));
        }

        @Override
        public void onNext(JobProgress update) {
            Job job = update.getJob();
            last = RenderSettler.stateOf(job.getState()).orElse(last);
            ObjectNode data = json.createObjectNode();
            data.put("state", last);
            data.put("frames_done", job.getFramesDone());
            data.put("total_frames", job.getTotalFrames());
            data.put("percent", job.getTotalFrames() == 0 ? 0 : 100.0 * job.getFramesDone() / job.getTotalFrames());
            data.put("frames_per_second", update.getFramesPerSecond());
            data.put("eta_ms", update.getEtaMillis());
            if (!job.getWaitingReason().isEmpty()) {
                // No node can take it now (all quarantined, say): the client is told why.
                data.put("waiting", job.getWaitingReason());
            }
            stream.progress(data.toString());
        }

        @Override
        public void onError(Throwable t) {
            if (stream.done().isDone()) {
                return; // cancelled by us: the client went away
            }
            String detail = t instanceof StatusRuntimeException e
                    ? FarmClient.problem(e).getMessage()
                    : "the render farm failed";
            stream.finish("error", json.createObjectNode().put("detail", detail).toString());
        }

        @Override
        public void onCompleted() {
            stream.finish("end", json.createObjectNode().put("state", last).toString());
        }
    }

    private static long bytePosition(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The export, streamed from the farm; a {@code Range} of one byte range is honoured (206). */
    private void download(Context ctx) throws IOException {
        Principal principal = Requests.principal(ctx);
        principal.requireScope("renders:read");
        RenderRow row = render(ctx, principal);
        if (row.jobId() == null) {
            throw Problem.conflict("not-ready", "render " + row.id() + " has no video yet");
        }
        Job job = farm.get(principal.tenantId().toString(), row.jobId().toString());
        if (job.getState() != JobState.JOB_STATE_SUCCEEDED) {
            throw Problem.conflict(
                    "not-ready",
                    "render " + row.id() + " is "
                            + RenderSettler.stateOf(job.getState()).orElse(row.state()) + "; its video is not ready");
        }
        long total = job.getExport().getSizeBytes();
        long start = 0;
        long end = total - 1;
        String range = ctx.header("Range");
        boolean partial = false;
        if (range != null) {
            Matcher m = RANGE.matcher(range.trim());
            boolean ok = m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty());
            if (ok) {
                // A number past a long is past any video: read as the largest long.
                if (m.group(1).isEmpty()) {
                    long suffix = bytePosition(m.group(2));
                    start = Math.max(0, total - suffix);
                } else {
                    start = bytePosition(m.group(1));
                    if (!m.group(2).isEmpty()) {
                        end = Math.min(total - 1, bytePosition(m.group(2)));
                    }
                }
                ok = start <= end && start < total;
            }
            if (!ok) {
                ctx.header("Content-Range", "bytes */" + total);
                throw Problem.of(
                        416, "range-not-satisfiable", "Range not satisfiable", "the video has " + total + " bytes");
            }
            partial = true;
        }
        long length = end - start + 1;
        ctx.res().setStatus(partial ? 206 : 200);
        ctx.res().setContentType("video/mp4");
        ctx.res().setHeader("Accept-Ranges", "bytes");
        ctx.res().setHeader("Content-Length", Long.toString(length));
        ctx.res().setHeader("Content-Disposition", "attachment; filename=\"" + row.id() + ".mp4\"");
        ctx.res().setHeader("ETag", "\"" + job.getExport().getSha256() + "\"");
        if (partial) {
            ctx.res().setHeader("Content-Range", "bytes " + start + "-" + end + "/" + total);
        }
        OutputStream out = ctx.res().getOutputStream();
        io.grpc.Context.CancellableContext call = io.grpc.Context.current().withCancellation();
        try {
            long from = start;
            call.call(() -> {
                Iterator<ExportData> data = farm.download(
                        principal.tenantId().toString(), row.jobId().toString(), from, length);
                while (data.hasNext()) {
                    data.next().getData().writeTo(out);
                }
                return null;
            });
            out.flush();
        } catch (IOException e) {
            // The client went away.
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            call.cancel(null);
        }
    }
}
