package ir.flatrender.gateway.uploads;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Principal;
import ir.flatrender.media.images.ImageContent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * The rules of uploads: a file is judged by its content (a PNG, a JPEG or a self-contained SVG,
 * decoded whole, at most {@link #MAX_BYTES}), kept in its tenant's rows, counted against the
 * tenant's limits, and put into a render's bindings where they name it as {@code upload:<id>}.
 * A refused file stores nothing.
 */
public final class Uploads {
    /** The largest file: what the farm takes for an image binding. */
    public static final int MAX_BYTES = 5 * 1024 * 1024;

    public static final int MAX_PER_TENANT = 500;
    public static final long MAX_BYTES_PER_TENANT = 250L * 1024 * 1024;
    /** Decoding a picture takes up to 64 MiB: two at a time. */
    private static final int DECODERS = 2;

    private static final Pattern REFERENCE = Pattern.compile("upload:([0-9a-fA-F-]{36})");

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final Semaphore decoders = new Semaphore(DECODERS, true);

    public Uploads(Jdbi jdbi, ObjectMapper json) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** The upload a file made; {@code created} false when the tenant had the same file already. */
    public record Stored(Upload upload, boolean created) {}

    /**
     * Checks and keeps a file for the principal's tenant.
     *
     * @throws Problem 413 past {@link #MAX_BYTES}, 415 for anything but a picture the farm draws
     *     (naming why), 409 past the tenant's limits, 503 while the decoders are all busy
     */
    public Stored store(Principal principal, byte[] bytes, Optional<String> filename, AuditLog.Origin origin) {
        requireNonNull(bytes, "bytes is null");
        if (bytes.length == 0) {
            throw Problem.malformed("the body is empty; send the picture's bytes as the body");
        }
        if (bytes.length > MAX_BYTES) {
            throw tooLarge(bytes.length);
        }
        ImageContent.Inspection inspection = inspect(bytes);
        String sha256 = Hashing.sha256().hashBytes(bytes).toString();
        UUID tenantId = principal.tenantId();
        return jdbi.inTransaction(handle -> {
            UploadDao uploads = handle.attach(UploadDao.class);
            uploads.lockTenant(tenantId.toString());
            Optional<Upload> same = uploads.bySha256(tenantId, sha256);
            if (same.isPresent()) {
                return new Stored(same.get(), false);
            }
            UploadDao.Usage usage = uploads.usage(tenantId);
            if (usage.count() >= MAX_PER_TENANT) {
                throw Problem.conflict(
                        "upload-limit",
                        "the tenant keeps " + usage.count() + " uploads, the most it may; delete some first");
            }
            if (usage.bytes() + bytes.length > MAX_BYTES_PER_TENANT) {
                throw Problem.conflict(
                        "upload-limit",
                        "the tenant's uploads would take " + (usage.bytes() + bytes.length) + " bytes; at most "
                                + MAX_BYTES_PER_TENANT + " are kept: delete some first");
            }
            UUID id = UUID.randomUUID();
            uploads.insert(
                    id,
                    tenantId,
                    principal.userId().orElse(null),
                    inspection.contentType(),
                    bytes.length,
                    inspection.width(),
                    inspection.height(),
                    sha256,
                    filename.orElse(null),
                    bytes);
            AuditLog.record(
                    handle,
                    tenantId,
                    principal.userId(),
                    "upload.created",
                    "upload:" + id,
                    json.createObjectNode()
                            .put("content_type", inspection.contentType())
                            .put("size_bytes", bytes.length)
                            .put("sha256", sha256),
                    origin.requestId(),
                    origin.ip());
            return new Stored(uploads.find(tenantId, id).orElseThrow(), true);
        });
    }

    private ImageContent.Inspection inspect(byte[] bytes) {
        boolean acquired;
        try {
            acquired = decoders.tryAcquire(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problem.unavailable("interrupted while waiting to check the picture");
        }
        if (!acquired) {
            throw Problem.busy("every picture checker is busy; try again in a moment", 2);
        }
        try {
            return ImageContent.inspect(bytes);
        } catch (ImageContent.RefusedImage e) {
            throw Problem.of(415, "unsupported-image", "Not a picture the farm takes", "the file " + e.getMessage());
        } finally {
            decoders.release();
        }
    }

    static Problem tooLarge(long bytes) {
        return Problem.of(
                413, "body-too-large", "File too large", "the file has " + bytes + " bytes; at most " + MAX_BYTES);
    }

    public Optional<Upload> find(UUID tenantId, UUID id) {
        return jdbi.withExtension(UploadDao.class, uploads -> uploads.find(tenantId, id));
    }

    public Optional<byte[]> content(UUID tenantId, UUID id) {
        return jdbi.withExtension(UploadDao.class, uploads -> uploads.content(tenantId, id));
    }

    /** The tenant's newest 100 uploads. */
    public List<Upload> recent(UUID tenantId) {
        return jdbi.withExtension(UploadDao.class, uploads -> uploads.recent(tenantId, 100));
    }

    public boolean delete(Principal principal, UUID id, AuditLog.Origin origin) {
        return jdbi.inTransaction(handle -> {
            boolean deleted = handle.attach(UploadDao.class).delete(principal.tenantId(), id) == 1;
            if (deleted) {
                AuditLog.record(
                        handle,
                        principal.tenantId(),
                        principal.userId(),
                        "upload.deleted",
                        "upload:" + id,
                        json.createObjectNode(),
                        origin.requestId(),
                        origin.ip());
            }
            return deleted;
        });
    }

    /**
     * The bindings as the farm takes them: each value {@code upload:<id>} replaced by the
     * tenant's upload as a {@code data:} URI. Another tenant's upload, like a missing one, is
     * "no upload" (400 naming the binding).
     */
    public ObjectNode resolve(UUID tenantId, ObjectNode bindings) {
        ObjectNode resolved = bindings.deepCopy();
        List<Problem.FieldError> errors = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : bindings.properties()) {
            if (!field.getValue().isTextual()) {
                continue;
            }
            String text = field.getValue().asText();
            if (!text.startsWith(Upload.BINDING_PREFIX)) {
                continue;
            }
            String path = "bindings." + field.getKey();
            Matcher reference = REFERENCE.matcher(text);
            Optional<UUID> id = Optional.empty();
            if (reference.matches()) {
                try {
                    id = Optional.of(UUID.fromString(reference.group(1)));
                } catch (IllegalArgumentException e) {
                    id = Optional.empty();
                }
            }
            if (id.isEmpty()) {
                errors.add(new Problem.FieldError(path, "'" + shorten(text) + "' is not upload:<id>"));
                continue;
            }
            UUID uploadId = id.get();
            Optional<String> dataUri =
                    jdbi.withExtension(UploadDao.class, uploads -> uploads.dataUri(tenantId, uploadId));
            if (dataUri.isEmpty()) {
                errors.add(new Problem.FieldError(path, "no upload " + uploadId + " (upload the file first)"));
                continue;
            }
            resolved.put(field.getKey(), dataUri.get());
        }
        if (!errors.isEmpty()) {
            throw Problem.validation("the bindings name uploads this tenant does not have", errors);
        }
        return resolved;
    }

    private static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }
}
