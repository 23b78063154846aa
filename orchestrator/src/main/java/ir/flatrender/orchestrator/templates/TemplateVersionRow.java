package ir.flatrender.orchestrator.templates;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.json.Json;

/** One row of {@code content.template_versions} joined with its template. */
public record TemplateVersionRow(
        String templateId,
        int version,
        boolean current,
        String name,
        UUID tenantId,
        String packageSha256,
        long packageBytes,
        String renderSha256,
        long renderBytes,
        String engine,
        String composition,
        int fps,
        int durationFrames,
        @Json JsonNode manifest,
        List<String> files,
        Instant createdAt) {}
