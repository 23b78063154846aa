-- The template catalog, named as the product's content schema names it: categories are
-- containers, a catalog entry is a project (one per template), a project has scenes with their
-- editable fields, colour presets, and media (covers and a preview) rendered by the farm.
-- Kept in step with each template's current version by the push that makes it current.

CREATE TABLE content.containers (
    id          text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
    name_fa     text        NOT NULL,
    name_en     text        NOT NULL,
    position    integer     NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One per template. The default tenant's (the pack) are seen by every tenant; another tenant's
-- only by that tenant.
CREATE TABLE content.projects (
    id               text        PRIMARY KEY REFERENCES content.templates (id) ON DELETE CASCADE,
    tenant_id        uuid        NOT NULL,
    container_id     text        REFERENCES content.containers (id),
    template_version integer     NOT NULL,
    name_fa          text        NOT NULL,
    name_en          text        NOT NULL,
    description_fa   text        NOT NULL DEFAULT '',
    description_en   text        NOT NULL DEFAULT '',
    tags_fa          text[]      NOT NULL DEFAULT '{}',
    tags_en          text[]      NOT NULL DEFAULT '{}',
    engine           text        NOT NULL,
    fps              integer     NOT NULL,
    duration_frames  integer     NOT NULL,
    -- {"16:9": {"width": 1920, "height": 1080}, ...} as the manifest gives them.
    aspects          jsonb       NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (id, template_version) REFERENCES content.template_versions (template_id, version)
);

CREATE INDEX projects_tenant ON content.projects (tenant_id);
CREATE INDEX projects_container ON content.projects (container_id);

CREATE TABLE content.scenes (
    project_id      text    NOT NULL REFERENCES content.projects (id) ON DELETE CASCADE,
    position        integer NOT NULL CHECK (position >= 0),
    name_fa         text    NOT NULL,
    name_en         text    NOT NULL,
    start_frame     integer NOT NULL CHECK (start_frame >= 0),
    duration_frames integer NOT NULL CHECK (duration_frames > 0),
    PRIMARY KEY (project_id, position)
);

-- A scene's editable fields: the template's bindings, with what a form needs.
CREATE TABLE content.scene_fields (
    project_id     text    NOT NULL,
    scene_position integer NOT NULL,
    position       integer NOT NULL CHECK (position >= 0),
    name           text    NOT NULL,
    type           text    NOT NULL,
    label_fa       text    NOT NULL,
    label_en       text    NOT NULL,
    required       boolean NOT NULL,
    min_length     integer,
    max_length     integer,
    min_value      double precision,
    max_value      double precision,
    default_fa     jsonb,
    default_en     jsonb,
    -- Colour fields: suggested swatches.
    palette        text[]  NOT NULL DEFAULT '{}',
    PRIMARY KEY (project_id, scene_position, position),
    UNIQUE (project_id, name),
    FOREIGN KEY (project_id, scene_position) REFERENCES content.scenes (project_id, position) ON DELETE CASCADE
);

-- Named colour presets: {"primary": "#ff8f00", ...} for the project's colour fields.
CREATE TABLE content.color_presets (
    project_id text    NOT NULL REFERENCES content.projects (id) ON DELETE CASCADE,
    position   integer NOT NULL CHECK (position >= 0),
    name_fa    text    NOT NULL,
    name_en    text    NOT NULL,
    colors     jsonb   NOT NULL,
    PRIMARY KEY (project_id, position)
);

-- What the farm rendered for a project: a cover still per aspect and a preview video, each a
-- blob of the orchestrator's store (catalog/<sha256>.<ext>), of the version it was rendered from.
CREATE TABLE content.project_media (
    project_id       text        NOT NULL REFERENCES content.projects (id) ON DELETE CASCADE,
    template_version integer     NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('cover', 'preview')),
    aspect           text        NOT NULL CHECK (aspect IN ('16:9', '1:1', '9:16')),
    sha256           text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    blob_key         text        NOT NULL,
    content_type     text        NOT NULL,
    size_bytes       bigint      NOT NULL CHECK (size_bytes > 0),
    width            integer     NOT NULL CHECK (width > 0),
    height           integer     NOT NULL CHECK (height > 0),
    -- Previews: their length.
    duration_millis  bigint,
    frame_count      integer,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, template_version, kind, aspect),
    FOREIGN KEY (project_id, template_version)
        REFERENCES content.template_versions (template_id, version) ON DELETE CASCADE
);

CREATE INDEX project_media_sha256 ON content.project_media (sha256);
