-- Frame repair jobs, node quarantine with health-check renders, and the assembly lease that
-- lets several orchestrators share one database with exactly one assembling each job.

-- The orchestrator assembling a job, and until when; another takes over once it runs out.
ALTER TABLE render.render_jobs
    ADD COLUMN assembler_id              uuid,
    ADD COLUMN assembly_lease_expires_at timestamptz;

ALTER TABLE render.render_jobs DROP CONSTRAINT render_jobs_kind_check;
ALTER TABLE render.render_jobs
    ADD CONSTRAINT render_jobs_kind_check CHECK (kind IN ('video', 'snapshot', 'health_check'));

-- A chunk only this node may take: a quarantined node's health-check render. And a chunk of a
-- paused job, held back: kept on the row so that the claim reads the pending index in order
-- and joins nothing (a join on the job's state made the planner sort every pending chunk).
ALTER TABLE render.frame_jobs
    ADD COLUMN target_node_id uuid REFERENCES render.nodes (id) ON DELETE CASCADE,
    ADD COLUMN held           boolean NOT NULL DEFAULT false;

DROP INDEX render.frame_jobs_pending;
CREATE INDEX frame_jobs_pending ON render.frame_jobs (priority DESC, job_created_at, job_id, seq)
    WHERE state = 'pending' AND NOT held AND target_node_id IS NULL;

CREATE INDEX frame_jobs_targeted ON render.frame_jobs (target_node_id)
    WHERE state = 'pending' AND target_node_id IS NOT NULL;

-- Why a node is quarantined, and when its next health-check render is due.
ALTER TABLE render.nodes
    ADD COLUMN quarantined_at       timestamptz,
    ADD COLUMN quarantine_reason    text,
    ADD COLUMN health_checks_failed integer NOT NULL DEFAULT 0,
    ADD COLUMN health_check_due_at  timestamptz,
    ADD COLUMN health_check_job_id  uuid REFERENCES render.render_jobs (id) ON DELETE SET NULL,
    -- The node's template cache counters and budget, as it last reported them.
    ADD COLUMN cache_hits           bigint  NOT NULL DEFAULT 0,
    ADD COLUMN cache_misses         bigint  NOT NULL DEFAULT 0,
    ADD COLUMN cache_bytes_fetched  bigint  NOT NULL DEFAULT 0,
    ADD COLUMN cache_budget_bytes   bigint  NOT NULL DEFAULT 0;

-- Frames found wrong after a chunk was accepted (a stored segment that changed, an export
-- whose frames do not match the plan), rendered again and the video assembled again.
CREATE TABLE render.frame_repair_jobs (
    id          uuid        PRIMARY KEY,
    job_id      uuid        NOT NULL REFERENCES render.render_jobs (id) ON DELETE CASCADE,
    chunk_id    uuid        NOT NULL REFERENCES render.frame_jobs (id) ON DELETE CASCADE,
    -- The chunk attempt whose output was wrong; the repair is the next one.
    attempt     bigint      NOT NULL,
    frame_start integer     NOT NULL,
    frame_end   integer     NOT NULL,
    tier        text,
    -- Which check found it: the segments' re-check before assembly, or the export's; or an
    -- operator who asked for the frames again.
    detected_by text        NOT NULL CHECK (detected_by IN ('segment_check', 'export_check', 'operator')),
    reason      text        NOT NULL,
    state       text        NOT NULL CHECK (state IN ('rendering', 'repaired', 'failed')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    CHECK (frame_end >= frame_start),
    UNIQUE (chunk_id, attempt)
);

CREATE INDEX frame_repair_jobs_job ON render.frame_repair_jobs (job_id, created_at);
CREATE INDEX frame_repair_jobs_open ON render.frame_repair_jobs (chunk_id) WHERE state = 'rendering';
