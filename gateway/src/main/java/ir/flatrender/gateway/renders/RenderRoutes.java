package ir.flatrender.gateway.renders;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.Requests;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Callers;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.proto.farm.v1.ExportData;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobProgress;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.WatchJobRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The render API over HTTP: renders ordered ({@link RenderOrders} holds the rules), listed,
 * followed, cancelled and downloaded. Every render is looked up in the caller's tenant; another
 * tenant's render is answered 404.
 */
public final class RenderRoutes {
    private static final Pattern RANGE = Pattern.compile("^bytes=(\\d*)-(\\d*)$");

    private final RenderOrders orders;
    private final FarmClient farm;
    private final ObjectMapper json;
    private final EventStreams streams;

    public RenderRoutes(RenderOrders orders, FarmClient farm, EventStreams streams, ObjectMapper json) {
        this.orders = requireNonNull(orders, "orders is null");
        this.farm = requireNonNull(farm, "farm is null");
        this.streams = requireNonNull(streams, "streams is null");
        this.json = requireNonNull(json, "json is null");
    }

    public void register(RouteTable routes) {
        routes.post("/v1/renders", this::submit);
        routes.get("/v1/renders", this::list);
        routes.get("/v1/renders/{id}", this::get);
        routes.post("/v1/renders/{id}/cancel", this::cancel);
        routes.get("/v1/renders/{id}/events", this::events);
        routes.get("/v1/renders/{id}/download", this::download);
        routes.get("/v1/renders/{id}/link", this::link);
    }

    private Render render(Context ctx, Principal principal) {
        UUID id;
        try {
            id = UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("render " + ctx.pathParam("id"));
        }
        return orders.render(principal.tenantId(), id).orElseThrow(() -> Problem.notFound("render " + id));
    }

    private void submit(Context ctx) {
        Principal principal = Callers.principal(ctx);
        principal.require(Principal.Role.EDITOR);
        principal.requireScope("renders:write");
        RequestBodies body = RequestBodies.read(ctx, json);
        String templateId = body.string("template", 100);
        String aspect = body.string("aspect", 5, TemplateRoutes.ASPECT, "16:9, 1:1 or 9:16");
        String tier = body.string("tier", 10);
        ObjectNode bindings = body.bindings("bindings");
        String key = ctx.header("Idempotency-Key");
        if (key != null && (key.isBlank() || key.length() > 200)) {
            throw Problem.of(400, "bad-idempotency-key", "Bad Idempotency-Key", "the key is 1 to 200 characters");
        }
        body.check();
        RenderOrders.Submitted submitted = orders.submit(
                principal,
                new RenderOrders.Order(templateId, aspect, tier, bindings, Optional.ofNullable(key)),
                AuditLog.Origin.of(ctx));
        Render render = submitted.render();
        if (submitted.replayed()) {
            ctx.status(200).header("Idempotent-Replayed", "true").json(renderJson(render, Optional.empty()));
        } else {
            ctx.status(201).header("Location", "/v1/renders/" + render.id()).json(renderJson(render, Optional.empty()));
        }
    }

    private void list(Context ctx) {
        Principal principal = Callers.principal(ctx);
        principal.requireScope("renders:read");
        ArrayNode out = json.createArrayNode();
        orders.recent(principal.tenantId()).forEach(row -> out.add(renderJson(row, Optional.empty())));
        ctx.json(json.createObjectNode().set("renders", out));
    }

    private void get(Context ctx) {
        Principal principal = Callers.principal(ctx);
        principal.requireScope("renders:read");
        Render row = render(ctx, principal);
        Optional<Job> job = row.jobId() == null
                ? Optional.empty()
                : Optional.of(
                        farm.get(principal.tenantId().toString(), row.jobId().toString()));
        ctx.json(renderJson(row, job));
    }

    private void cancel(Context ctx) {
        Principal principal = Callers.principal(ctx);
        principal.require(Principal.Role.EDITOR);
        principal.requireScope("renders:write");
        Render row = render(ctx, principal);
        if (row.jobId() == null || !row.open()) {
            throw Problem.conflict("render-finished", "render " + row.id() + " is " + row.state());
        }
        Job job = farm.cancel(principal.tenantId().toString(), row.jobId().toString(), "cancelled through the gateway");
        ctx.status(202).json(renderJson(row, Optional.of(job)));
    }

    private ObjectNode renderJson(Render row, Optional<Job> job) {
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
        if (job.isPresent() && Render.OPEN.contains(state)) {
            state = GrpcRenderFarm.stateOf(job.get().getState()).orElse(state);
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
            if (!j.getWaitingReason().isEmpty()) {
                out.put("waiting", j.getWaitingReason());
            }
            if (j.getWarningsCount() > 0) {
                // Not refused, but worth knowing: a tier past the template's own size is an upscale.
                j.getWarningsList().forEach(out.putArray("warnings")::add);
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
        Principal principal = Callers.principal(ctx);
        principal.requireScope("renders:read");
        Render row = render(ctx, principal);
        EventStreams.Slot slot = streams.reserve(principal.tenantId(), Requests.ip(ctx));
        streams.serve(ctx, slot, stream -> {
            if (row.jobId() == null) {
                stream.finish(
                        "end", json.createObjectNode().put("state", row.state()).toString());
                return;
            }
            farm.watch(principal.tenantId().toString(), row.jobId().toString(), new Watcher(stream, row.state()));
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
            last = GrpcRenderFarm.stateOf(job.getState()).orElse(last);
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

    /**
     * A short-lived URL from which the video downloads straight from the farm's object store, so
     * that its bytes pass through neither the farm nor the gateway (a link or a player's source
     * needs no credential); 409 {@code no-direct-link} when the farm keeps its files on its own
     * disk, when {@code /download} serves them.
     */
    private void link(Context ctx) {
        Principal principal = Callers.principal(ctx);
        principal.requireScope("renders:read");
        Render row = render(ctx, principal);
        finishedJob(row, principal);
        ir.flatrender.proto.farm.v1.ExportLink link = farm.presign(
                        principal.tenantId().toString(), row.jobId().toString(), row.id() + ".mp4")
                .orElseThrow(() -> Problem.conflict(
                        "no-direct-link",
                        "this farm keeps its videos on its own disk; download render " + row.id() + " from /v1/renders/"
                                + row.id() + "/download"));
        ctx.header("Cache-Control", "no-store");
        ctx.json(java.util.Map.of(
                "url",
                link.getUrl(),
                "expires_at",
                java.time.Instant.ofEpochMilli(link.getExpiresAtUnixMillis()).toString()));
    }

    /** The render's job, which has its video; 409 {@code not-ready} otherwise. */
    private Job finishedJob(Render row, Principal principal) {
        if (row.jobId() == null) {
            throw Problem.conflict("not-ready", "render " + row.id() + " has no video yet");
        }
        Job job = farm.get(principal.tenantId().toString(), row.jobId().toString());
        if (job.getState() != JobState.JOB_STATE_SUCCEEDED) {
            throw Problem.conflict(
                    "not-ready",
                    "render " + row.id() + " is "
                            + GrpcRenderFarm.stateOf(job.getState()).orElse(row.state()) + "; its video is not ready");
        }
        return job;
    }

    /** The export, streamed from the farm; a {@code Range} of one byte range is honoured (206). */
    private void download(Context ctx) throws IOException {
        Principal principal = Callers.principal(ctx);
        principal.requireScope("renders:read");
        Render row = render(ctx, principal);
        Job job = finishedJob(row, principal);
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
