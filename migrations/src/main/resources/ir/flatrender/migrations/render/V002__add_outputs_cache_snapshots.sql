-- Several tiers per job from one render, audio tracks, the nodes' template caches, and
-- the snapshot cache.

ALTER TABLE render.render_jobs
    ADD COLUMN kind    text  NOT NULL DEFAULT 'video' CHECK (kind IN ('video', 'snapshot')),
    -- [{"tier": "1080p", "width": 1920, "height": 1080, "format": "mpegts"}, …]; the job's
    -- own tier first.
    ADD COLUMN outputs jsonb NOT NULL DEFAULT '[]',
    -- [{"role": "music", "source": "music.mp3", "volume": 0.3, "startSeconds": 0}, …]
    ADD COLUMN audio   jsonb NOT NULL DEFAULT '[]';

-- The package nodes fetch, copied from the job so that a claim can prefer nodes holding it.
ALTER TABLE render.frame_jobs
    ADD COLUMN package_sha256 text NOT NULL DEFAULT '',
    ADD COLUMN task text NOT NULL DEFAULT 'frames' CHECK (task IN ('frames', 'audio'));

-- The files a chunk attempt produced, one per output (or the audio of an audio task).
CREATE TABLE render.segments (
    chunk_id   uuid        NOT NULL REFERENCES render.frame_jobs (id) ON DELETE CASCADE,
    tier       text        NOT NULL,
    attempt    bigint      NOT NULL,
    blob_key   text        NOT NULL,
    size_bytes bigint      NOT NULL,
    sha256     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (chunk_id, tier)
);

-- Segments of chunks done before this version: one file each, in the job's own tier.
INSERT INTO render.segments (chunk_id, tier, attempt, blob_key, size_bytes, sha256)
SELECT f.id, j.tier, f.attempt, f.segment_key, f.segment_bytes, f.segment_sha256
FROM render.frame_jobs f
JOIN render.render_jobs j ON j.id = f.job_id
WHERE f.segment_key IS NOT NULL;

ALTER TABLE render.frame_jobs
    DROP COLUMN segment_key,
    DROP COLUMN segment_bytes,
    DROP COLUMN segment_sha256;

-- Jobs from before this version have one output: their own tier.
UPDATE render.render_jobs
SET outputs = jsonb_build_array(jsonb_build_object(
        'tier', tier, 'width', output_width, 'height', output_height, 'format', 'mpegts'))
WHERE outputs = '[]';

ALTER TABLE render.exports
    ADD COLUMN has_audio             boolean NOT NULL DEFAULT false,
    ADD COLUMN audio_duration_millis bigint;

-- What each node's LRU template cache holds, as it last reported.
CREATE TABLE render.node_template_cache (
    node_id          uuid        NOT NULL REFERENCES render.nodes (id) ON DELETE CASCADE,
    package_sha256   text        NOT NULL,
    template_id      text,
    template_version integer,
    size_bytes       bigint      NOT NULL,
    last_used_at     timestamptz,
    hits             bigint      NOT NULL DEFAULT 0,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (node_id, package_sha256)
);

CREATE INDEX node_template_cache_template ON render.node_template_cache (template_id, template_version);

-- Stills rendered for previews, under a key derived from everything that changes the pixels.
CREATE TABLE render.snapshots (
    cache_key        text        PRIMARY KEY CHECK (cache_key ~ '^[0-9a-f]{64}$'),
    job_id           uuid        REFERENCES render.render_jobs (id) ON DELETE SET NULL,
    template_id      text        NOT NULL,
    template_version integer     NOT NULL,
    engine           text        NOT NULL,
    aspect           text        NOT NULL,
    frame            integer     NOT NULL,
    tier             text        NOT NULL,
    format           text        NOT NULL CHECK (format IN ('png', 'jpeg')),
    width            integer     NOT NULL,
    height           integer     NOT NULL,
    blob_key         text        NOT NULL,
    size_bytes       bigint      NOT NULL,
    hits             bigint      NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_hit_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX snapshots_last_hit ON render.snapshots (last_hit_at);
