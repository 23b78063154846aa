package ir.flatrender.gateway.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Timestamp;
import ir.flatrender.proto.farm.v1.Chunk;
import ir.flatrender.proto.farm.v1.Crash;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.Node;
import ir.flatrender.proto.farm.v1.NodeCache;
import ir.flatrender.proto.farm.v1.NodeHealthSample;
import ir.flatrender.proto.farm.v1.Repair;
import ir.flatrender.proto.farm.v1.ResourceSample;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/** The farm's messages as the console's JSON: snake_case, ISO times, absent values null. */
final class ConsoleJson {
    private final ObjectMapper json;

    ConsoleJson(ObjectMapper json) {
        this.json = requireNonNull(json, "json is null");
    }

    ObjectMapper mapper() {
        return json;
    }

    /** {@code NODE_STATE_ONLINE} → {@code online}. */
    static String enumName(Enum<?> value, String prefix) {
        String name = value.name();
        return (name.startsWith(prefix) ? name.substring(prefix.length()) : name).toLowerCase(Locale.ROOT);
    }

    static void time(ObjectNode out, String field, boolean present, Timestamp value) {
        if (present && (value.getSeconds() != 0 || value.getNanos() != 0)) {
            out.put(
                    field,
                    Instant.ofEpochSecond(value.getSeconds(), value.getNanos()).toString());
        } else {
            out.putNull(field);
        }
    }

    private static void text(ObjectNode out, String field, String value) {
        if (value.isEmpty()) {
            out.putNull(field);
        } else {
            out.put(field, value);
        }
    }

    ObjectNode node(Node node, Map<String, NodeCache> caches) {
        ObjectNode out = json.createObjectNode();
        out.put("id", node.getId());
        out.put("name", node.getName());
        text(out, "hostname", node.getHostname());
        text(out, "version", node.getVersion());
        out.put("state", enumName(node.getState(), "NODE_STATE_"));
        ArrayNode engines = out.putArray("engines");
        node.getEnginesList().forEach(engines::add);
        ArrayNode capabilities = out.putArray("capabilities");
        node.getCapabilitiesList().forEach(capabilities::add);
        out.put("slots", node.getSlots());
        out.put("running_chunks", node.getRunningChunks());
        out.put("connected", node.getConnected());
        time(out, "last_seen_at", node.hasLastSeenAt(), node.getLastSeenAt());
        text(out, "quarantine_reason", node.getQuarantineReason());
        time(out, "quarantined_at", node.hasQuarantinedAt(), node.getQuarantinedAt());
        out.put("health_checks_failed", node.getHealthChecksFailed());
        if (node.hasResources()) {
            ObjectNode resources = resources(node.getResources());
            time(resources, "sampled_at", node.hasResourcesAt(), node.getResourcesAt());
            out.set("resources", resources);
        } else {
            out.putNull("resources");
        }
        NodeCache cache = caches.get(node.getName());
        if (cache == null) {
            out.putNull("cache");
        } else {
            ObjectNode c = out.putObject("cache");
            c.put("hits", cache.getHits());
            c.put("misses", cache.getMisses());
            long asked = cache.getHits() + cache.getMisses();
            if (asked == 0) {
                c.putNull("hit_rate");
            } else {
                c.put("hit_rate", (double) cache.getHits() / asked);
            }
            c.put("used_bytes", cache.getUsedBytes());
            c.put("budget_bytes", cache.getBudgetBytes());
            c.put("bytes_fetched", cache.getBytesFetched());
            c.put("entries", cache.getEntriesCount());
        }
        return out;
    }

    ObjectNode resources(ResourceSample sample) {
        ObjectNode out = json.createObjectNode();
        out.put("cpu_load", sample.getCpuLoad());
        if (sample.getLoadAverage() < 0) {
            out.putNull("load_average");
        } else {
            out.put("load_average", sample.getLoadAverage());
        }
        out.put("memory_used_bytes", sample.getMemoryUsedBytes());
        out.put("memory_total_bytes", sample.getMemoryTotalBytes());
        out.put("disk_free_bytes", sample.getDiskFreeBytes());
        out.put("gpu_present", sample.getGpuPresent());
        if (sample.getGpuPresent()) {
            out.put("gpu_load", sample.getGpuLoad());
            out.put("gpu_memory_used_bytes", sample.getGpuMemoryUsedBytes());
        } else {
            out.putNull("gpu_load");
            out.putNull("gpu_memory_used_bytes");
        }
        return out;
    }

    ObjectNode sample(NodeHealthSample sample) {
        ObjectNode out = resources(sample.getResources());
        time(out, "recorded_at", sample.hasRecordedAt(), sample.getRecordedAt());
        out.put("running_chunks", sample.getRunningChunks());
        return out;
    }

    /** A job without its chunks. */
    ObjectNode job(Job job) {
        ObjectNode out = json.createObjectNode();
        out.put("id", job.getId());
        out.put("tenant_id", job.getTenantId());
        out.put("template_id", job.getTemplateId());
        out.put("template_version", job.getTemplateVersion());
        out.put("engine", job.getEngine());
        text(out, "aspect", job.getAspect());
        text(out, "tier", job.getTier());
        out.put("fps", job.getFps());
        out.put("state", enumName(job.getState(), "JOB_STATE_"));
        out.put("priority", job.getPriority());
        out.put("total_frames", job.getTotalFrames());
        out.put("frames_done", job.getFramesDone());
        out.put("chunks_total", job.getChunksTotal());
        out.put("chunks_done", job.getChunksDone());
        out.put("chunk_frames", job.getChunkFrames());
        text(out, "chunk_plan", job.getChunkPlan());
        text(out, "error", job.getError());
        text(out, "waiting_reason", job.getWaitingReason());
        time(out, "created_at", job.hasCreatedAt(), job.getCreatedAt());
        time(out, "started_at", job.hasStartedAt(), job.getStartedAt());
        time(out, "finished_at", job.hasFinishedAt(), job.getFinishedAt());
        return out;
    }

    ObjectNode chunk(Chunk chunk) {
        ObjectNode out = json.createObjectNode();
        out.put("id", chunk.getId());
        out.put("seq", chunk.getSeq());
        out.put("first_frame", chunk.getFrames().getStart());
        out.put("last_frame", chunk.getFrames().getEnd());
        out.put("task", enumName(chunk.getTask(), "CHUNK_TASK_"));
        out.put("state", enumName(chunk.getState(), "CHUNK_STATE_"));
        out.put("attempt", chunk.getAttempt());
        text(out, "node_name", chunk.getNodeName());
        out.put("frames_done", chunk.getFramesDone());
        time(out, "started_at", chunk.hasStartedAt(), chunk.getStartedAt());
        time(out, "finished_at", chunk.hasFinishedAt(), chunk.getFinishedAt());
        text(out, "error", chunk.getError());
        return out;
    }

    ObjectNode crash(Crash crash) {
        ObjectNode out = json.createObjectNode();
        out.put("id", crash.getId());
        out.put("node_name", crash.getNodeName());
        out.put("job_id", crash.getJobId());
        out.put("chunk_id", crash.getChunkId());
        out.put("attempt", crash.getAttempt());
        out.put("engine", crash.getEngine());
        out.put("kind", crash.getKind());
        if (crash.getExitCode() < 0) {
            out.putNull("exit_code");
        } else {
            out.put("exit_code", crash.getExitCode());
        }
        if (crash.getSignal() == 0) {
            out.putNull("signal");
        } else {
            out.put("signal", crash.getSignal());
        }
        text(out, "message", crash.getMessage());
        text(out, "log_tail", crash.getLogTail());
        time(out, "created_at", crash.hasCreatedAt(), crash.getCreatedAt());
        return out;
    }

    ObjectNode repair(Repair repair) {
        ObjectNode out = json.createObjectNode();
        out.put("id", repair.getId());
        out.put("job_id", repair.getJobId());
        out.put("chunk_id", repair.getChunkId());
        out.put("attempt", repair.getAttempt());
        out.put("first_frame", repair.getFrames().getStart());
        out.put("last_frame", repair.getFrames().getEnd());
        text(out, "tier", repair.getTier());
        out.put("detected_by", repair.getDetectedBy());
        text(out, "reason", repair.getReason());
        out.put("state", repair.getState());
        time(out, "created_at", repair.hasCreatedAt(), repair.getCreatedAt());
        time(out, "finished_at", repair.hasFinishedAt(), repair.getFinishedAt());
        return out;
    }
}
