package ir.flatrender.gateway.uploads;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** A tenant's uploaded picture, without its bytes. */
public record Upload(
        UUID id,
        UUID tenantId,
        String contentType,
        int sizeBytes,
        int width,
        int height,
        String sha256,
        Optional<String> filename,
        Instant createdAt) {
    /** How a render's bindings name it. */
    public static final String BINDING_PREFIX = "upload:";

    public Upload {
        requireNonNull(id, "id is null");
        requireNonNull(tenantId, "tenantId is null");
        requireNonNull(contentType, "contentType is null");
        requireNonNull(sha256, "sha256 is null");
        requireNonNull(filename, "filename is null");
        requireNonNull(createdAt, "createdAt is null");
    }

    public String binding() {
        return BINDING_PREFIX + id;
    }
}
