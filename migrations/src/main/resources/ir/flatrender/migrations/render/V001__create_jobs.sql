-- Render nodes, jobs, their chunks (frame jobs) and the finished exports.

CREATE TABLE render.nodes (
    id              uuid        PRIMARY KEY,
    name            text        NOT NULL UNIQUE,
    hostname        text        NOT NULL DEFAULT '',
    version         text        NOT NULL DEFAULT '',
    engines         text[]      NOT NULL DEFAULT '{}',
    slots           integer     NOT NULL CHECK (slots > 0),
    state           text        NOT NULL
                                CHECK (state IN ('online', 'draining', 'offline', 'disabled', 'quarantined')),
    -- The orchestrator instance holding the node's control stream, while connected.
    orchestrator_id uuid,
    connected_at    timestamptz,
    last_seen_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE render.render_jobs (
    id               uuid        PRIMARY KEY,
    tenant_id        uuid        NOT NULL,
    idempotency_key  text,
    -- sha256 of the canonical request, to tell a retried submit from a reused key.
    request_sha256   text        NOT NULL,
    template_id      text        NOT NULL,
    template_version integer     NOT NULL,
    package_sha256   text        NOT NULL,
    package_bytes    bigint      NOT NULL,
    engine           text        NOT NULL,
    composition      text,
    aspect           text        NOT NULL CHECK (aspect IN ('16:9', '1:1', '9:16')),
    tier             text        NOT NULL,
    render_width     integer     NOT NULL CHECK (render_width > 0),
    render_height    integer     NOT NULL CHECK (render_height > 0),
    output_width     integer     NOT NULL CHECK (output_width > 0 AND output_width % 2 = 0),
    output_height    integer     NOT NULL CHECK (output_height > 0 AND output_height % 2 = 0),
    fps              integer     NOT NULL CHECK (fps BETWEEN 1 AND 120),
    frame_start      integer     NOT NULL CHECK (frame_start >= 0),
    frame_end        integer     NOT NULL,
    bindings         jsonb       NOT NULL,
    encoder          jsonb       NOT NULL,
    priority         integer     NOT NULL DEFAULT 0,
    max_attempts     integer     NOT NULL CHECK (max_attempts > 0),
    chunks_total     integer     NOT NULL CHECK (chunks_total > 0),
    state            text        NOT NULL
                                 CHECK (state IN ('queued', 'running', 'assembling', 'succeeded',
                                                  'failed', 'cancelled', 'paused')),
    error            text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (frame_end >= frame_start),
    UNIQUE (tenant_id, idempotency_key)
);

CREATE INDEX render_jobs_tenant_created ON render.render_jobs (tenant_id, created_at DESC, id DESC);
CREATE INDEX render_jobs_created ON render.render_jobs (created_at DESC, id DESC);
CREATE INDEX render_jobs_active ON render.render_jobs (state)
    WHERE state IN ('queued', 'running', 'assembling');

CREATE TABLE render.frame_jobs (
    id               uuid        PRIMARY KEY,
    job_id           uuid        NOT NULL REFERENCES render.render_jobs (id) ON DELETE CASCADE,
    seq              integer     NOT NULL CHECK (seq >= 0),
    frame_start      integer     NOT NULL,
    frame_end        integer     NOT NULL,
    -- Copied from the job so that a claim reads one index and no join.
    engine           text        NOT NULL,
    priority         integer     NOT NULL,
    job_created_at   timestamptz NOT NULL,
    state            text        NOT NULL
                                 CHECK (state IN ('pending', 'assigned', 'running', 'done',
                                                  'failed', 'dead', 'cancelled')),
    -- The fencing token: grows by one every time the chunk is handed out.
    attempt          bigint      NOT NULL DEFAULT 0,
    -- Failed attempts, counted against the job's max_attempts; a node lost mid-chunk is
    -- not the chunk's fault and does not count.
    failures         integer     NOT NULL DEFAULT 0,
    node_id          uuid        REFERENCES render.nodes (id),
    lease_expires_at timestamptz,
    assigned_at      timestamptz,
    started_at       timestamptz,
    finished_at      timestamptz,
    frames_done      integer     NOT NULL DEFAULT 0,
    segment_key      text,
    segment_bytes    bigint,
    segment_sha256   text,
    render_millis    bigint,
    error            text,
    CHECK (frame_end >= frame_start),
    UNIQUE (job_id, seq)
);

CREATE INDEX frame_jobs_pending ON render.frame_jobs (priority DESC, job_created_at, job_id, seq)
    WHERE state = 'pending';
CREATE INDEX frame_jobs_node ON render.frame_jobs (node_id)
    WHERE state IN ('assigned', 'running');
CREATE INDEX frame_jobs_lease ON render.frame_jobs (lease_expires_at)
    WHERE state IN ('assigned', 'running');

CREATE TABLE render.exports (
    id              uuid        PRIMARY KEY,
    job_id          uuid        NOT NULL REFERENCES render.render_jobs (id) ON DELETE CASCADE,
    tier            text        NOT NULL,
    blob_key        text        NOT NULL,
    size_bytes      bigint      NOT NULL,
    width           integer     NOT NULL,
    height          integer     NOT NULL,
    frame_count     integer     NOT NULL,
    duration_millis bigint      NOT NULL,
    codec           text        NOT NULL,
    thumbnail_key   text        NOT NULL,
    sha256          text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (job_id, tier)
);
