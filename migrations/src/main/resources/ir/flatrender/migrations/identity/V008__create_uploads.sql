-- Files a tenant uploads to bind into its renders (a logo, photos for a slideshow): checked by
-- their content at upload (PNG, JPEG or a self-contained SVG) and kept here, in the tenant's own
-- rows. A render's bindings name an upload as "upload:<id>"; the gateway puts the bytes in at
-- submit. The same file uploaded twice by one tenant is one upload.
CREATE TABLE identity.uploads (
    id              uuid        PRIMARY KEY,
    tenant_id       uuid        NOT NULL REFERENCES identity.tenants (id) ON DELETE CASCADE,
    uploaded_by     uuid        REFERENCES identity.users (id) ON DELETE SET NULL,
    content_type    text        NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/svg+xml')),
    size_bytes      integer     NOT NULL CHECK (size_bytes BETWEEN 1 AND 5242880),
    width           integer     NOT NULL CHECK (width BETWEEN 1 AND 8192),
    height          integer     NOT NULL CHECK (height BETWEEN 1 AND 8192),
    sha256          text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    -- As the client named it, shown back to it; never used as a path.
    filename        text        CHECK (length(filename) <= 255),
    content         bytea       NOT NULL CHECK (length(content) = size_bytes),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, sha256)
);

CREATE INDEX uploads_by_tenant ON identity.uploads (tenant_id, created_at DESC, id);
