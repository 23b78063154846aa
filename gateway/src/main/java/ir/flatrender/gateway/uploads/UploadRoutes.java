package ir.flatrender.gateway.uploads;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Callers;
import ir.flatrender.gateway.identity.Principal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Uploads over HTTP: the picture's bytes are the request body (what {@code fetch(url, {body:
 * file})} sends), never a form field, read up to {@link Uploads#MAX_BYTES} and no further.
 */
public final class UploadRoutes {
    public static final String PATH = "/v1/uploads";

    private final Uploads uploads;
    private final ObjectMapper json;

    public UploadRoutes(Uploads uploads, ObjectMapper json) {
        this.uploads = requireNonNull(uploads, "uploads is null");
        this.json = requireNonNull(json, "json is null");
    }

    public void register(RouteTable routes) {
        routes.post(PATH, this::upload);
        routes.get(PATH, this::list);
        routes.get(PATH + "/{id}", this::get);
        routes.get(PATH + "/{id}/content", this::content);
        routes.delete(PATH + "/{id}", this::delete);
    }

    private void upload(Context ctx) {
        Principal principal = Callers.principal(ctx);
        principal.require(Principal.Role.EDITOR);
        principal.requireScope("renders:write");
        String type = Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded")) {
            throw Problem.of(
                    415,
                    "unsupported-media-type",
                    "Send the file itself",
                    "the body must be the picture's bytes (Content-Type image/png, image/jpeg or image/svg+xml),"
                            + " not a form");
        }
        Optional<String> filename = filename(ctx.queryParam("filename"));
        byte[] bytes = body(ctx);
        Uploads.Stored stored = uploads.store(principal, bytes, filename, AuditLog.Origin.of(ctx));
        ctx.status(stored.created() ? 201 : 200)
                .header("Location", PATH + "/" + stored.upload().id())
                .json(uploadJson(stored.upload()));
    }

    /** The body, read up to the limit plus one byte: a longer one is refused without reading it all. */
    private static byte[] body(Context ctx) {
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(Uploads.MAX_BYTES + 1);
            if (bytes.length > Uploads.MAX_BYTES) {
                throw Uploads.tooLarge(Math.max(ctx.req().getContentLengthLong(), bytes.length));
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the upload", e);
        }
    }

    static Optional<String> filename(String given) {
        if (given == null || given.isBlank()) {
            return Optional.empty();
        }
        // A name to show back, never a path: what follows the last separator.
        String name = given.substring(Math.max(given.lastIndexOf('/'), given.lastIndexOf('\\')) + 1)
                .strip();
        if (name.isEmpty() || name.length() > 255 || name.codePoints().anyMatch(Character::isISOControl)) {
            throw Problem.invalidField("filename", "must be 1 to 255 characters without control characters");
        }
        return Optional.of(name);
    }

    private void list(Context ctx) {
        Principal principal = Callers.principal(ctx);
        principal.requireScope("renders:read");
        ArrayNode out = json.createArrayNode();
        uploads.recent(principal.tenantId()).forEach(upload -> out.add(uploadJson(upload)));
        ctx.json(json.createObjectNode().set("uploads", out));
    }

    private Upload upload(Context ctx, Principal principal) {
        UUID id = id(ctx);
        return uploads.find(principal.tenantId(), id).orElseThrow(() -> Problem.notFound("upload " + id));
    }

    private static UUID id(Context ctx) {
        try {
            return UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("upload " + ctx.pathParam("id"));
        }
    }

    private void get(Context ctx) {
        Principal principal = Callers.principal(ctx);
        principal.requireScope("renders:read");
        ctx.json(uploadJson(upload(ctx, principal)));
    }

    private void content(Context ctx) {
        Principal principal = Callers.principal(ctx);
        principal.requireScope("renders:read");
        Upload upload = upload(ctx, principal);
        String etag = "\"" + upload.sha256() + "\"";
        // An upload never changes: its id names its bytes.
        ctx.header("ETag", etag);
        ctx.header("Cache-Control", "private, max-age=31536000, immutable");
        ctx.header("X-Content-Type-Options", "nosniff");
        // An SVG shown on its own is a document: no script, nothing fetched, whatever it holds.
        ctx.header("Content-Security-Policy", "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox");
        if (etag.equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        byte[] bytes = uploads.content(principal.tenantId(), upload.id())
                .orElseThrow(() -> Problem.notFound("upload " + upload.id()));
        ctx.contentType(upload.contentType()).result(bytes);
    }

    private void delete(Context ctx) {
        Principal principal = Callers.principal(ctx);
        principal.require(Principal.Role.EDITOR);
        principal.requireScope("renders:write");
        UUID id = id(ctx);
        if (!uploads.delete(principal, id, AuditLog.Origin.of(ctx))) {
            throw Problem.notFound("upload " + id);
        }
        ctx.status(204);
    }

    private ObjectNode uploadJson(Upload upload) {
        ObjectNode node = json.createObjectNode();
        node.put("id", upload.id().toString());
        node.put("binding", upload.binding());
        node.put("content_type", upload.contentType());
        node.put("size_bytes", upload.sizeBytes());
        node.put("width", upload.width());
        node.put("height", upload.height());
        node.put("sha256", upload.sha256());
        upload.filename().ifPresentOrElse(name -> node.put("filename", name), () -> node.putNull("filename"));
        node.put("created_at", upload.createdAt().toString());
        node.put("content_url", PATH + "/" + upload.id() + "/content");
        return node;
    }
}
