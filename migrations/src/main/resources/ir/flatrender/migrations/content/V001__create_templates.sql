-- Templates as versioned, content-addressed packages. The package bytes live in the
-- orchestrator's blob store under their sha256; these rows describe them.

CREATE TABLE content.templates (
    id              text        PRIMARY KEY
                                CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    tenant_id       uuid        NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001',
    name            text        NOT NULL,
    current_version integer     NOT NULL CHECK (current_version > 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE content.template_versions (
    template_id     text        NOT NULL REFERENCES content.templates (id) ON DELETE CASCADE,
    version         integer     NOT NULL CHECK (version > 0),
    package_sha256  text        NOT NULL CHECK (package_sha256 ~ '^[0-9a-f]{64}$'),
    package_bytes   bigint      NOT NULL CHECK (package_bytes > 0),
    engine          text        NOT NULL
                                CHECK (engine IN ('timeline', 'remotion', 'aftereffects')),
    composition     text,
    fps             integer     NOT NULL CHECK (fps BETWEEN 1 AND 120),
    duration_frames integer     NOT NULL CHECK (duration_frames > 0),
    -- {"16:9": {"width": 1920, "height": 1080, "composition": "..."}, ...}
    aspects         jsonb       NOT NULL,
    bindings_schema jsonb       NOT NULL,
    spec            jsonb       NOT NULL,
    manifest        jsonb       NOT NULL,
    -- Package-relative paths of every file in the package, for checking asset bindings.
    files           text[]      NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (template_id, version),
    UNIQUE (template_id, package_sha256)
);

CREATE INDEX template_versions_sha256 ON content.template_versions (package_sha256);
