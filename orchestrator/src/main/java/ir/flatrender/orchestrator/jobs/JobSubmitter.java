package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.errors.FieldViolation;
import ir.flatrender.orchestrator.events.DomainEvents;
import ir.flatrender.orchestrator.templates.AspectSize;
import ir.flatrender.orchestrator.templates.AudioTrackSpec;
import ir.flatrender.orchestrator.templates.BindingsValidator;
import ir.flatrender.orchestrator.templates.InstalledTemplate;
import ir.flatrender.orchestrator.templates.TemplateAudio;
import ir.flatrender.orchestrator.templates.TemplateManifestParser;
import ir.flatrender.orchestrator.templates.TemplateNeeds;
import ir.flatrender.orchestrator.templates.TemplatePackage;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
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
    private static final int MAX_EXTRA_TIERS = 4;
    private static final Set<String> STILL_FORMATS = Set.of("png", "jpeg");

    private final Jdbi jdbi;
    private final DomainEvents events;
    private final ir.flatrender.orchestrator.templates.TemplateCatalog templates;
    private final JobsConfig config;
    private final ObjectMapper json;
    private final Clock clock;

    public JobSubmitter(
            Jdbi jdbi,
            ir.flatrender.orchestrator.templates.TemplateCatalog templates,
            JobsConfig config,
            ObjectMapper json,
            Clock clock,
            DomainEvents events) {
        this.events = requireNonNull(events, "events is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.templates = requireNonNull(templates, "templates is null");
        this.config = requireNonNull(config, "config is null");
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The job, and whether this call created it (false for a repeated idempotency key). */
    public record Submitted(JobRow job, boolean created) {}

    /**
     * Submits a job at the given priority; snapshots pass a priority above every client's so
     * that they jump ahead of queued video work.
     */
    public Submitted submit(SubmitCommand command) {
        return submit(command, Optional.empty());
    }

    /**
     * Submits a quarantined node's health-check render: a job only that node may take, ahead of
     * other work, that ends with its chunks (nothing is assembled).
     */
    public Submitted submitHealthCheck(SubmitCommand command, UUID nodeId) {
        return submit(command, Optional.of(requireNonNull(nodeId, "nodeId is null")));
    }

    private Submitted submit(SubmitCommand command, Optional<UUID> targetNode) {
        requireNonNull(command, "command is null");
        if (command.templateId().isBlank()) {
            throw FarmException.invalid("template_id", "is required");
        }
        if (command.templateVersion() < 0) {
            throw FarmException.invalid("template_version", "must not be negative");
        }
        InstalledTemplate template = templates.find(command.templateId(), command.templateVersion());
        // A health check renders a probe of its own on the node it checks, whatever that can do.
        String[] requires = targetNode.isPresent()
                ? new String[0]
                : TemplateNeeds.of(template.manifest()).toArray(String[]::new);
        Plan plan = validate(
                command,
                template,
                () -> jdbi.withExtension(
                        JobDao.class, dao -> dao.slotsFor(template.manifest().engine(), requires)));

        String requestSha256 = requestDigest(command);
        UUID jobId = UUID.randomUUID();
        // Microseconds, as PostgreSQL keeps them, so keyset paging compares equal values.
        Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Output primary = plan.outputs().get(0);
        int priority = command.stillFormat().isPresent() || targetNode.isPresent()
                ? JobsConfig.SNAPSHOT_PRIORITY
                : command.priority();
        NewJob job = new NewJob(
                jobId,
                command.tenantId(),
                command.idempotencyKey().isEmpty() ? null : command.idempotencyKey(),
                requestSha256,
                template.id(),
                template.version(),
                template.row().renderSha256(),
                template.row().renderBytes(),
                template.manifest().engine(),
                plan.composition(),
                command.aspect(),
                command.tier(),
                plan.renderSize().width(),
                plan.renderSize().height(),
                primary.width(),
                primary.height(),
                plan.fps(),
                plan.frames().start(),
                plan.frames().end(),
                plan.bindings(),
                config.encoder(),
                JobKind.of(targetNode.isPresent(), command.stillFormat().isPresent())
                        .dbName(),
                plan.outputs(),
                plan.audio(),
                priority,
                plan.maxAttempts(),
                plan.chunks().size(),
                plan.chunkSize().chunkFrames(),
                plan.chunkSize().reason(),
                createdAt);
        List<NewChunk> chunks = new ArrayList<>(plan.chunks().size());
        for (int seq = 0; seq < plan.chunks().size(); seq++) {
            PlannedChunk planned = plan.chunks().get(seq);
            chunks.add(NewChunk.of(job, seq, planned.frames(), planned.task(), requires));
        }
        String bindingsJson = write(plan.bindings());
        String encoderJson = write(config.encoder());
        String outputsJson = write(plan.outputs());
        String audioJson = write(plan.audio());
        Submitted submitted = jdbi.inTransaction(handle -> {
            JobDao dao = handle.attach(JobDao.class);
            if (dao.insertJob(job, bindingsJson, encoderJson, outputsJson, audioJson) == 0) {
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
            targetNode.ifPresent(node -> dao.targetChunks(jobId, node));
            log.info(
                    "job {} queued: {} {} v{}, {} {}, frames {}, {} chunk(s), tiers {}",
                    jobId,
                    job.kind(),
                    template.id(),
                    template.version(),
                    command.aspect(),
                    primary.width() + "x" + primary.height(),
                    plan.frames(),
                    chunks.size(),
                    plan.outputs().stream().map(Output::tier).toList());
            return new Submitted(dao.findJob(jobId).orElseThrow(), true);
        });
        if (submitted.created()) {
            events.publish(new FarmEvent.WorkAdded());
        }
        return submitted;
    }

    private record PlannedChunk(FrameRange frames, String task) {}

    private record Plan(
            FrameRange frames,
            int fps,
            Tiers.Size renderSize,
            List<Output> outputs,
            String composition,
            ObjectNode bindings,
            List<AudioTrackSpec> audio,
            int maxAttempts,
            ChunkSizing.Choice chunkSize,
            List<PlannedChunk> chunks) {}

    private Plan validate(SubmitCommand command, InstalledTemplate template, Supplier<ChunkSizing.Slots> slots) {
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
        checkTier("tier", command.tier(), problems);
        Set<String> tiers = new HashSet<>(List.of(command.tier()));
        if (command.extraTiers().size() > MAX_EXTRA_TIERS) {
            problems.add(new FieldViolation("extra_tiers", "at most " + MAX_EXTRA_TIERS));
        }
        for (String extra : command.extraTiers()) {
            checkTier("extra_tiers", extra, problems);
            if (!tiers.add(extra)) {
                problems.add(new FieldViolation("extra_tiers", extra + " is asked for twice"));
            }
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
                        command.stillFormat().isPresent() ? "frame" : "frames",
                        (command.stillFormat().isPresent() ? "frame " + asked.start() : "range " + asked)
                                + " is outside the template, whose frames are 0-" + (totalFrames - 1) + " at " + fps
                                + " fps"));
            } else {
                frames = asked;
            }
        }
        if (command.stillFormat().isPresent()) {
            if (!STILL_FORMATS.contains(command.stillFormat().get())) {
                problems.add(new FieldViolation("format", "must be png or jpeg"));
            }
            if (command.frames().isEmpty() || frames.count() != 1) {
                problems.add(new FieldViolation("frame", "a snapshot is one frame"));
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
                    template.id(),
                    template.manifest().engine(),
                    template.manifest().bindings(),
                    template.files(),
                    command.bindings());
        } catch (FarmException e) {
            problems.addAll(
                    e.violations().isEmpty()
                            ? List.of(new FieldViolation("bindings", e.getMessage()))
                            : e.violations());
        }
        List<AudioTrackSpec> audio = new ArrayList<>();
        if (bindings != null && command.stillFormat().isEmpty()) {
            audio.addAll(TemplateAudio.resolve(template.manifest(), bindings, problems));
        }
        double seconds = (double) frames.count() / fps;
        TemplateAudio.checkRequestTracks(command.audio(), seconds, template.files(), problems);
        audio.addAll(command.audio());
        if (!problems.isEmpty()) {
            throw FarmException.invalid("invalid render request", problems);
        }

        List<Output> outputs = new ArrayList<>();
        String format = command.stillFormat().orElse("mpegts");
        for (String tier : concat(command.tier(), command.extraTiers())) {
            Tiers.Size size = Tiers.outputSize(aspect.width(), aspect.height(), tier);
            Integer crf =
                    format.equals("mpegts") ? Tiers.crf(tier, config.encoder().crf()) : null;
            outputs.add(new Output(tier, size.width(), size.height(), format, crf));
        }
        Output largest = outputs.stream()
                .max((a, b) -> Integer.compare(Math.min(a.width(), a.height()), Math.min(b.width(), b.height())))
                .orElseThrow();
        // The timeline engine draws vectors, so it renders at the largest output directly;
        // other engines render at the template's native size and the encoder scales.
        Tiers.Size render = template.manifest().engine().equals("timeline")
                ? new Tiers.Size(largest.width(), largest.height())
                : new Tiers.Size(aspect.width(), aspect.height());
        ChunkSizing.Choice chunkSize = ChunkSizing.choose(
                command.chunkFrames(),
                config,
                frames.count(),
                template.manifest().engine(),
                slots);
        int maxAttempts = command.maxAttempts() == 0 ? config.defaultMaxAttempts() : command.maxAttempts();
        String composition =
                aspect.composition().or(() -> template.manifest().composition()).orElse(null);
        List<PlannedChunk> chunks = new ArrayList<>();
        for (FrameRange range : ChunkPlanner.plan(frames, chunkSize.chunkFrames())) {
            chunks.add(new PlannedChunk(range, "frames"));
        }
        // A Remotion composition's own sound is rendered once for the whole video and mixed
        // in at assembly, so it has no seams. It goes first: one pass over the whole range is
        // the job's longest task, and started last it would keep the job waiting alone.
        if (command.stillFormat().isEmpty()
                && template.manifest().engine().equals("remotion")
                && template.manifest().raw().path("remotion").path("audio").asBoolean(false)) {
            chunks.add(0, new PlannedChunk(frames, "audio"));
        }
        return new Plan(frames, fps, render, outputs, composition, bindings, audio, maxAttempts, chunkSize, chunks);
    }

    private static void checkTier(String field, String tier, List<FieldViolation> problems) {
        if (Tiers.shortSide(tier).isEmpty()) {
            problems.add(new FieldViolation(
                    field,
                    (tier.isEmpty() ? "is required" : "unknown tier '" + tier + "'") + "; one of "
                            + String.join(", ", Tiers.names())));
        }
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    /** sha256 of the request in canonical form (keys sorted), to recognise a retried submit. */
    private String requestDigest(SubmitCommand command) {
        Map<String, Object> canonical = new TreeMap<>();
        canonical.put("template", command.templateId());
        canonical.put("templateVersion", command.templateVersion());
        canonical.put("bindings", json.convertValue(command.bindings(), Map.class));
        canonical.put("aspect", command.aspect());
        canonical.put("tier", command.tier());
        canonical.put("extraTiers", command.extraTiers());
        canonical.put("audio", command.audio());
        canonical.put("still", command.stillFormat().orElse(""));
        canonical.put("frames", command.frames().map(FrameRange::toString).orElse(""));
        canonical.put("fps", command.fps());
        canonical.put("priority", command.priority());
        canonical.put("chunkFrames", command.chunkFrames());
        canonical.put("maxAttempts", command.maxAttempts());
        try {
            byte[] bytes = json.writer()
                    .with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .writeValueAsBytes(canonical);
            return TemplatePackage.sha256(bytes);
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
