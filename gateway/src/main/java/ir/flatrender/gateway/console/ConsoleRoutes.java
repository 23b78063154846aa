package ir.flatrender.gateway.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.Requests;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.AdminAudit;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Callers;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.gateway.renders.EventStreams;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.ListCrashesRequest;
import ir.flatrender.proto.farm.v1.ListJobsRequest;
import ir.flatrender.proto.farm.v1.ListJobsResponse;
import ir.flatrender.proto.farm.v1.ListRepairsRequest;
import ir.flatrender.proto.farm.v1.Node;
import ir.flatrender.proto.farm.v1.NodeHealthRequest;
import ir.flatrender.proto.farm.v1.NodeHealthResponse;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The operators' console's farm API ({@code /v1/admin/farm/...}): the nodes, their health and
 * caches, every tenant's jobs with their chunks, crashes and repairs, the actions the CLI has
 * on them, and a live feed. Farm administrators only (signed in, not an API key); each action
 * is written to the audit log. The orchestrator is called with the console's own credential;
 * without one, these answer 503 to an administrator.
 */
public final class ConsoleRoutes implements AutoCloseable {
    /** The job states a filter may name, as the console writes them. */
    static final Map<String, JobState> JOB_STATES = Arrays.stream(JobState.values())
            .filter(s -> s != JobState.JOB_STATE_UNSPECIFIED && s != JobState.UNRECOGNIZED)
            .collect(Collectors.toMap(s -> ConsoleJson.enumName(s, "JOB_STATE_"), s -> s));

    /** The stream-cap bucket of every console together (not the administrator's tenant's). */
    static final UUID CONSOLE_STREAMS =
            UUID.nameUUIDFromBytes("flatrender operators' console".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    static final Set<String> ENGINES = Set.of("timeline", "remotion", "aftereffects");

    private final Optional<ConsoleFarm> farm;
    private final ConsoleFeed feed;
    private final EventStreams streams;
    private final AdminAudit audit;
    private final ConsoleJson json;

    public ConsoleRoutes(
            Optional<ConsoleFarm> farm,
            EventStreams streams,
            AdminAudit audit,
            com.fasterxml.jackson.databind.ObjectMapper json) {
        this.farm = requireNonNull(farm, "farm is null");
        this.streams = requireNonNull(streams, "streams is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.json = new ConsoleJson(json);
        this.feed = new ConsoleFeed(this::farmSnapshot, id -> jobDetail(this.farm.orElseThrow(), id), json);
    }

    /** Stops the live feed (its streams end with the gateway's). */
    @Override
    public void close() {
        feed.close();
    }

    /** What a {@code farm} event says: the nodes and the active jobs. */
    private ObjectNode farmSnapshot() {
        ConsoleFarm console = farm.orElseThrow();
        ObjectNode out = json.mapper().createObjectNode();
        out.set("nodes", nodes(console));
        out.set("jobs", activeJobs(console));
        return out;
    }

    public void register(RouteTable routes) {
        routes.get("/v1/admin/farm/nodes", this::nodes);
        routes.get("/v1/admin/farm/nodes/{node}", this::node);
        routes.get("/v1/admin/farm/nodes/{node}/health", this::health);
        for (ConsoleFarm.NodeAction action : ConsoleFarm.NodeAction.values()) {
            String verb = action.name().toLowerCase(Locale.ROOT);
            routes.post("/v1/admin/farm/nodes/{node}/" + verb, ctx -> nodeAction(ctx, action));
        }
        routes.get("/v1/admin/farm/jobs", this::jobs);
        routes.get("/v1/admin/farm/jobs/{jobId}", this::job);
        for (ConsoleFarm.JobAction action : ConsoleFarm.JobAction.values()) {
            String verb = action.name().toLowerCase(Locale.ROOT);
            routes.post("/v1/admin/farm/jobs/{jobId}/" + verb, ctx -> jobAction(ctx, action));
        }
        routes.post("/v1/admin/farm/jobs/{jobId}/priority", this::priority);
        routes.get("/v1/admin/farm/crashes", this::crashes);
        routes.get("/v1/admin/farm/repairs", this::repairs);
        routes.get("/v1/admin/farm/events", this::events);
    }

    /** The console's farm, for a farm administrator; 403 for anyone else, then 503 without a credential. */
    private ConsoleFarm farm(Context ctx) {
        Callers.farmAdministrator(ctx);
        return farm.orElseThrow(() -> Problem.unavailable(
                "console not configured: this gateway has no console credential for the farm (flatrender nodes"
                        + " enroll-console NAME, then the gateway's --console-token)"));
    }

    private static String nodeParam(Context ctx) {
        String node = ctx.pathParam("node");
        if (node.isBlank() || node.length() > 128) {
            throw Problem.notFound("node " + node);
        }
        return node;
    }

    private static String jobParam(Context ctx) {
        String id = ctx.pathParam("jobId");
        try {
            return UUID.fromString(id).toString();
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("job " + id);
        }
    }

    private void nodes(Context ctx) {
        ConsoleFarm console = farm(ctx);
        ObjectNode out = json.mapper().createObjectNode();
        out.set("nodes", nodes(console));
        ctx.json(out);
    }

    ArrayNode nodes(ConsoleFarm console) {
        var caches = console.caches();
        ArrayNode items = json.mapper().createArrayNode();
        for (Node node : console.nodes()) {
            items.add(json.node(node, caches));
        }
        return items;
    }

    private void node(Context ctx) {
        ConsoleFarm console = farm(ctx);
        ctx.json(json.node(console.node(nodeParam(ctx)), console.caches()));
    }

    private void health(Context ctx) {
        ConsoleFarm console = farm(ctx);
        NodeHealthRequest.Builder request = NodeHealthRequest.newBuilder().setNode(nodeParam(ctx));
        Queries.instant(ctx, "since").ifPresent(since -> request.setSince(Queries.timestamp(since)));
        request.setLimit(Queries.integer(ctx, "limit", 1, 5000, 360));
        NodeHealthResponse health = console.health(request.build());
        ObjectNode out = json.mapper().createObjectNode();
        out.put("node", health.getNodeName());
        ArrayNode samples = out.putArray("samples");
        health.getSamplesList().forEach(sample -> samples.add(json.sample(sample)));
        ctx.json(out);
    }

    private static String reason(Context ctx, com.fasterxml.jackson.databind.ObjectMapper mapper) {
        if (ctx.body().isBlank()) {
            return "";
        }
        RequestBodies body = RequestBodies.read(ctx, mapper);
        String reason = body.optionalString("reason", 500).orElse("");
        body.check();
        return reason;
    }

    private void nodeAction(Context ctx, ConsoleFarm.NodeAction action) {
        ConsoleFarm console = farm(ctx);
        String node = nodeParam(ctx);
        String reason = reason(ctx, json.mapper());
        Node changed = console.act(node, action, reason.isEmpty() ? "from the console" : reason);
        audit(ctx, "farm.node." + action.name().toLowerCase(Locale.ROOT), "node:" + changed.getName(), reason);
        ctx.json(json.node(changed, console.caches()));
    }

    private void jobs(Context ctx) {
        ConsoleFarm console = farm(ctx);
        ListJobsRequest.Builder request = ListJobsRequest.newBuilder();
        Queries.text(ctx, "state", 200).ifPresent(states -> {
            for (String state : states.split(",")) {
                JobState value = JOB_STATES.get(state.strip().toLowerCase(Locale.ROOT));
                if (value == null) {
                    throw Queries.invalid("state", "each state must be one of " + JOB_STATES.keySet());
                }
                request.addStates(value);
            }
        });
        Queries.uuid(ctx, "tenant").ifPresent(tenant -> request.setTenantId(tenant.toString()));
        Queries.text(ctx, "template", 200).ifPresent(request::setTemplateId);
        Queries.text(ctx, "engine", 20).ifPresent(engine -> {
            if (!ENGINES.contains(engine)) {
                throw Queries.invalid("engine", "must be one of " + ENGINES);
            }
            request.setEngine(engine);
        });
        Queries.instant(ctx, "since").ifPresent(since -> request.setCreatedSince(Queries.timestamp(since)));
        request.setPageSize(Queries.integer(ctx, "page_size", 1, 500, 50));
        Queries.text(ctx, "page_token", 500).ifPresent(request::setPageToken);
        ListJobsResponse page = console.jobs(request.build());
        ObjectNode out = json.mapper().createObjectNode();
        ArrayNode items = out.putArray("jobs");
        page.getJobsList().forEach(job -> items.add(json.job(job)));
        if (page.getNextPageToken().isEmpty()) {
            out.putNull("next_page_token");
        } else {
            out.put("next_page_token", page.getNextPageToken());
        }
        ctx.json(out);
    }

    /** The farm's active jobs (queued, running, assembling, paused), newest first, at most 100. */
    ArrayNode activeJobs(ConsoleFarm console) {
        ListJobsResponse page = console.jobs(ListJobsRequest.newBuilder()
                .addStates(JobState.JOB_STATE_QUEUED)
                .addStates(JobState.JOB_STATE_RUNNING)
                .addStates(JobState.JOB_STATE_ASSEMBLING)
                .addStates(JobState.JOB_STATE_PAUSED)
                .setPageSize(100)
                .build());
        ArrayNode items = json.mapper().createArrayNode();
        page.getJobsList().forEach(job -> items.add(json.job(job)));
        return items;
    }

    /** A job with its chunks (the timeline), crashes and repairs. */
    ObjectNode jobDetail(ConsoleFarm console, String id) {
        Job job = console.job(id, true);
        ObjectNode out = json.job(job);
        ArrayNode chunks = out.putArray("chunks");
        job.getChunksList().forEach(chunk -> chunks.add(json.chunk(chunk)));
        ArrayNode crashes = out.putArray("crashes");
        console.crashes(ListCrashesRequest.newBuilder()
                        .setJobId(id)
                        .setLimit(200)
                        .build())
                .getCrashesList()
                .forEach(crash -> crashes.add(json.crash(crash)));
        ArrayNode repairs = out.putArray("repairs");
        console.repairs(ListRepairsRequest.newBuilder()
                        .setJobId(id)
                        .setLimit(200)
                        .build())
                .getRepairsList()
                .forEach(repair -> repairs.add(json.repair(repair)));
        return out;
    }

    private void job(Context ctx) {
        ConsoleFarm console = farm(ctx);
        ctx.json(jobDetail(console, jobParam(ctx)));
    }

    private void jobAction(Context ctx, ConsoleFarm.JobAction action) {
        ConsoleFarm console = farm(ctx);
        String id = jobParam(ctx);
        String reason = reason(ctx, json.mapper());
        Job job = console.act(id, action, reason.isEmpty() ? "from the console" : reason);
        audit(ctx, "farm.job." + action.name().toLowerCase(Locale.ROOT), "job:" + id, reason);
        ctx.json(json.job(job));
    }

    private void priority(Context ctx) {
        ConsoleFarm console = farm(ctx);
        String id = jobParam(ctx);
        RequestBodies body = RequestBodies.read(ctx, json.mapper());
        int priority = body.optionalInt("priority", -1_000_000, 1_000_000, Integer.MIN_VALUE);
        if (body.raw("priority") == null || body.raw("priority").isNull()) {
            body.error("priority", "is required: a whole number from -1000000 to 1000000");
        }
        body.check();
        Job job = console.priority(id, priority);
        audit(ctx, "farm.job.priority", "job:" + id, "priority " + priority);
        ctx.json(json.job(job));
    }

    private void crashes(Context ctx) {
        ConsoleFarm console = farm(ctx);
        ListCrashesRequest.Builder request = ListCrashesRequest.newBuilder();
        Queries.text(ctx, "node", 128).ifPresent(request::setNode);
        Queries.uuid(ctx, "job").ifPresent(job -> request.setJobId(job.toString()));
        Queries.instant(ctx, "since").ifPresent(since -> request.setSince(Queries.timestamp(since)));
        request.setLimit(Queries.integer(ctx, "limit", 1, 1000, 50));
        ObjectNode out = json.mapper().createObjectNode();
        ArrayNode items = out.putArray("crashes");
        console.crashes(request.build()).getCrashesList().forEach(crash -> items.add(json.crash(crash)));
        ctx.json(out);
    }

    private void repairs(Context ctx) {
        ConsoleFarm console = farm(ctx);
        ListRepairsRequest.Builder request = ListRepairsRequest.newBuilder();
        Queries.uuid(ctx, "job").ifPresent(job -> request.setJobId(job.toString()));
        request.setLimit(Queries.integer(ctx, "limit", 1, 1000, 50));
        ObjectNode out = json.mapper().createObjectNode();
        ArrayNode items = out.putArray("repairs");
        console.repairs(request.build()).getRepairsList().forEach(repair -> items.add(json.repair(repair)));
        ctx.json(out);
    }

    /**
     * Server-sent events: {@code farm} (the nodes and the active jobs) or, with {@code ?job=ID},
     * {@code job} (that job with its chunks), sent at once and then whenever it changes; the
     * farm is read once a second for all streams together, not once a stream.
     */
    private void events(Context ctx) {
        ConsoleFarm console = farm(ctx);
        Principal principal = Callers.principal(ctx);
        Optional<String> job = Queries.uuid(ctx, "job").map(UUID::toString);
        if (job.isPresent()) {
            console.job(job.get(), false); // 404 now, not an error event later
        }
        // The consoles' streams count apart from the administrator's tenant's render streams.
        EventStreams.Slot slot = streams.reserve(CONSOLE_STREAMS, Requests.ip(ctx));
        ConsoleFeed.Topic topic =
                job.<ConsoleFeed.Topic>map(ConsoleFeed.Topic.OneJob::new).orElse(new ConsoleFeed.Topic.Farm());
        streams.serve(ctx, slot, stream -> feed.subscribe(stream, topic));
    }

    private void audit(Context ctx, String action, String target, String reason) {
        Principal principal = Callers.principal(ctx);
        ObjectNode details = json.mapper().createObjectNode();
        if (!reason.isEmpty()) {
            details.put("reason", reason);
        }
        audit.record(principal, action, target, details, AuditLog.Origin.of(ctx));
    }
}
