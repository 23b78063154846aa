package ir.flatrender.orchestrator.templates;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.json.Json;

/**
 * One row of {@code content.template_versions} with its template's owner: all of it fixed once
 * written, so it may be kept (which version is current is not, and is asked separately).
 */
public record TemplateVersionRow(
        String templateId,
        int version,
        UUID tenantId,
        String packageSha256,
        long packageBytes,
        String renderSha256,
        long renderBytes,
        String sourceSha256,
        String engine,
        String composition,
        int fps,
        int durationFrames,
        @Json JsonNode manifest,
        List<String> files,
        Instant createdAt) {}
