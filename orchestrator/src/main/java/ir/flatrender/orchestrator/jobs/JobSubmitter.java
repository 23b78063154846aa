package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.errors.FieldViolation;
import ir.flatrender.orchestrator.templates.AspectSize;
import ir.flatrender.orchestrator.templates.BindingsValidator;
import ir.flatrender.orchestrator.templates.InstalledTemplate;
import ir.flatrender.orchestrator.templates.TemplateCatalog;
import ir.flatrender.orchestrator.templates.TemplateManifestParser;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates a render request against its template and writes the job and all its chunks in
 * one transaction. Nothing is written when anything is wrong.
 */
public final class JobSubmitter {
    private static final Logger log = LoggerFactory.getLogger(JobSubmitter.class);
    private static final int MAX_IDEMPOTENCY_KEY = 200;
    private static final int MAX_PRIORITY = 100;

    private final Jdbi jdbi;
    private final TemplateCatalog templates;
    private final JobsConfig config;
    private final ObjectMapper json;
    private final Clock clock;

    public JobSubmitter(Jdbi jdbi, TemplateCatalog templates, JobsConfig config, ObjectMapper json, Clock clock) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.templates = requireNonNull(templates, "templates is null");
        this.config = requireNonNull(config, "config is null");
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The job, and whether this call created it (false for a repeated idempotency key). */
    public record Submitted(JobRow job, boolean created) {}

    public Submitted submit(SubmitCommand command) {
        requireNonNull(command, "command is null");
        if (command.templateId().isBlank()) {
            throw FarmException.invalid("template_id", "is required");
        }
        if (command.templateVersion() < 0) {
            throw FarmException.invalid("template_version", "must not be negative");
        }
        InstalledTemplate template = templates.find(command.templateId(), command.templateVersion());
        NewPlan plan = validate(command, template);

        String requestSha256 = requestDigest(command);
        UUID jobId = UUID.randomUUID();
        // Microseconds, as PostgreSQL keeps them, so keyset paging compares equal values.
        Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        NewJob job = new NewJob(
                jobId,
                command.tenantId(),
                command.idempotencyKey().isEmpty() ? null : command.idempotencyKey(),
                requestSha256,
                template.id(),
                template.version(),
                template.packageSha256(),
                template.row().packageBytes(),
                template.manifest().engine(),
                plan.composition(),
                command.aspect(),
                command.tier(),
                plan.renderSize().width(),
                plan.renderSize().height(),
                plan.outputSize().width(),
                plan.outputSize().height(),
                plan.fps(),
                plan.frames().start(),
                plan.frames().end(),
                plan.bindings(),
                config.encoder(),
                command.priority(),
                plan.maxAttempts(),
                plan.chunks().size(),
                createdAt);
        List<NewChunk> chunks = new ArrayList<>(plan.chunks().size());
        for (int seq = 0; seq < plan.chunks().size(); seq++) {
            FrameRange range = plan.chunks().get(seq);
            chunks.add(new NewChunk(
                    UUID.randomUUID(),
                    jobId,
                    seq,
                    range.start(),
                    range.end(),
                    job.engine(),
                    command.priority(),
                    createdAt));
        }
        String bindingsJson = write(plan.bindings());
        String encoderJson = write(config.encoder());
        return jdbi.inTransaction(handle -> {
            JobDao dao = handle.attach(JobDao.class);
            if (dao.insertJob(job, bindingsJson, encoderJson) == 0) {
                JobRow existing = dao.findByIdempotencyKey(command.tenantId(), command.idempotencyKey())
                        .orElseThrow(() -> new IllegalStateException("idempotency conflict without a job"));
                if (!existing.requestSha256().equals(requestSha256)) {
                    throw new FarmException(
                            ErrorCode.ALREADY_EXISTS,
                            "idempotency key '" + command.idempotencyKey()
                                    + "' was already used for a different request" + " (job " + existing.id() + ")");
                }
                return new Submitted(existing, false);
            }
            dao.insertChunks(chunks);
            log.info(
                    "job {} queued: template {} v{}, {} {} {}x{}, frames {}, {} chunks",
                    jobId,
                    template.id(),
                    template.version(),
                    command.aspect(),
                    command.tier(),
                    plan.outputSize().width(),
                    plan.outputSize().height(),
                    plan.frames(),
                    chunks.size());
            return new Submitted(dao.findJob(jobId).orElseThrow(), true);
        });
    }

    private record NewPlan(
            FrameRange frames,
            int fps,
            Tiers.Size renderSize,
            Tiers.Size outputSize,
            String composition,
            ObjectNode bindings,
            int maxAttempts,
            List<FrameRange> chunks) {}

    private NewPlan validate(SubmitCommand command, InstalledTemplate template) {
        List<FieldViolation> problems = new ArrayList<>();
        Map<String, AspectSize> aspects = template.manifest().aspects();
        AspectSize aspect = aspects.get(command.aspect());
        if (command.aspect().isEmpty()) {
            problems.add(new FieldViolation(
                    "aspect", "is required; template offers " + String.join(", ", aspects.keySet())));
        } else if (!TemplateManifestParser.ASPECTS.contains(command.aspect())) {
            problems.add(new FieldViolation(
                    "aspect",
                    "unknown aspect '" + command.aspect() + "'; one of "
                            + String.join(", ", TemplateManifestParser.ASPECTS)));
        } else if (aspect == null) {
            problems.add(new FieldViolation(
                    "aspect",
                    "template '" + template.id() + "' does not offer " + command.aspect() + "; it offers "
                            + String.join(", ", aspects.keySet())));
        }
        if (Tiers.shortSide(command.tier()).isEmpty()) {
            problems.add(new FieldViolation(
                    "tier",
                    (command.tier().isEmpty() ? "is required" : "unknown tier '" + command.tier() + "'") + "; one of "
                            + String.join(", ", Tiers.names())));
        }
        int templateFps = template.manifest().fps();
        int fps = command.fps() == 0 ? templateFps : command.fps();
        if (command.fps() != 0 && (command.fps() < 1 || command.fps() > 120)) {
            problems.add(new FieldViolation("fps", "must be between 1 and 120"));
        } else if (fps != templateFps && !template.manifest().engine().equals("timeline")) {
            problems.add(new FieldViolation(
                    "fps",
                    "the " + template.manifest().engine() + " engine renders at the template's " + templateFps
                            + " fps only"));
        }
        // The template's length in the job's frame rate.
        int totalFrames = (int) Math.round((double) template.manifest().durationFrames() * fps / templateFps);
        FrameRange frames = new FrameRange(0, Math.max(0, totalFrames - 1));
        if (command.frames().isPresent()) {
            FrameRange asked = command.frames().get();
            if (asked.end() > totalFrames - 1) {
                problems.add(new FieldViolation(
                        "frames",
                        "range " + asked + " is outside the template, whose frames are 0-" + (totalFrames - 1) + " at "
                                + fps + " fps"));
            } else {
                frames = asked;
            }
        }
        if (command.priority() < -MAX_PRIORITY || command.priority() > MAX_PRIORITY) {
            problems.add(new FieldViolation("priority", "must be between " + -MAX_PRIORITY + " and " + MAX_PRIORITY));
        }
        if (command.chunkFrames() < 0 || command.chunkFrames() > JobsConfig.MAX_CHUNK_FRAMES) {
            problems.add(new FieldViolation("chunk_frames", "must be between 1 and " + JobsConfig.MAX_CHUNK_FRAMES));
        }
        if (command.maxAttempts() < 0 || command.maxAttempts() > JobsConfig.MAX_ATTEMPTS) {
            problems.add(new FieldViolation("max_attempts", "must be between 1 and " + JobsConfig.MAX_ATTEMPTS));
        }
        if (command.idempotencyKey().length() > MAX_IDEMPOTENCY_KEY) {
            problems.add(
                    new FieldViolation("idempotency_key", "must be at most " + MAX_IDEMPOTENCY_KEY + " characters"));
        }
        ObjectNode bindings = null;
        try {
            bindings = BindingsValidator.resolve(
                    template.id(), template.manifest().bindings(), template.files(), command.bindings());
        } catch (FarmException e) {
            problems.addAll(
                    e.violations().isEmpty()
                            ? List.of(new FieldViolation("bindings", e.getMessage()))
                            : e.violations());
        }
        if (!problems.isEmpty()) {
            throw FarmException.invalid("invalid render request", problems);
        }
        Tiers.Size nativeSize = new Tiers.Size(aspect.width(), aspect.height());
        Tiers.Size output = Tiers.outputSize(aspect.width(), aspect.height(), command.tier());
        // The timeline engine draws vectors, so it renders at the output size directly; other
        // engines render at the template's native size and the encoder scales.
        Tiers.Size render = template.manifest().engine().equals("timeline") ? output : nativeSize;
        int chunkFrames = command.chunkFrames() == 0 ? config.defaultChunkFrames() : command.chunkFrames();
        int maxAttempts = command.maxAttempts() == 0 ? config.defaultMaxAttempts() : command.maxAttempts();
        String composition =
                aspect.composition().or(() -> template.manifest().composition()).orElse(null);
        return new NewPlan(
                frames,
                fps,
                render,
                output,
                composition,
                bindings,
                maxAttempts,
                ChunkPlanner.plan(frames, chunkFrames));
    }

    /** sha256 of the request in canonical form (keys sorted), to recognise a retried submit. */
    private String requestDigest(SubmitCommand command) {
        Map<String, Object> canonical = new java.util.TreeMap<>();
        canonical.put("template", command.templateId());
        canonical.put("templateVersion", command.templateVersion());
        canonical.put("bindings", json.convertValue(command.bindings(), Map.class));
        canonical.put("aspect", command.aspect());
        canonical.put("tier", command.tier());
        canonical.put("frames", command.frames().map(FrameRange::toString).orElse(""));
        canonical.put("fps", command.fps());
        canonical.put("priority", command.priority());
        canonical.put("chunkFrames", command.chunkFrames());
        canonical.put("maxAttempts", command.maxAttempts());
        try {
            byte[] bytes = json.writer()
                    .with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .writeValueAsBytes(canonical);
            return ir.flatrender.orchestrator.templates.TemplatePackage.sha256(bytes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialise a request", e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialise " + value, e);
        }
    }
}
