-- Every failed chunk attempt an engine, its encoder or its upload caused, and which nodes a
-- job keeps away from.

CREATE TABLE render.node_crashes (
    id           uuid        PRIMARY KEY,
    node_id      uuid        NOT NULL REFERENCES render.nodes (id) ON DELETE CASCADE,
    job_id       uuid        NOT NULL REFERENCES render.render_jobs (id) ON DELETE CASCADE,
    chunk_id     uuid        NOT NULL REFERENCES render.frame_jobs (id) ON DELETE CASCADE,
    attempt      bigint      NOT NULL,
    engine       text        NOT NULL,
    kind         text        NOT NULL
                             CHECK (kind IN ('crash', 'hang', 'launch_failure', 'bad_output', 'out_of_memory',
                                             'template_fetch', 'upload')),
    -- The process's exit code, or null when none ended (a launch failure, a bad segment).
    exit_code    integer,
    -- The signal that ended it (exit codes above 128 on Unix), or null.
    signal       integer,
    message      text        NOT NULL,
    -- The last lines the engine or encoder printed.
    log_tail     text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (chunk_id, attempt)
);

CREATE INDEX node_crashes_node_time ON render.node_crashes (node_id, created_at DESC);
CREATE INDEX node_crashes_job ON render.node_crashes (job_id);

-- A node that failed a job's chunks twice is kept off that job.
CREATE TABLE render.job_node_blocks (
    job_id     uuid        NOT NULL REFERENCES render.render_jobs (id) ON DELETE CASCADE,
    node_id    uuid        NOT NULL REFERENCES render.nodes (id) ON DELETE CASCADE,
    failures   integer     NOT NULL CHECK (failures > 0),
    blocked    boolean     NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, node_id)
);

CREATE INDEX job_node_blocks_node ON render.job_node_blocks (node_id, job_id) WHERE blocked;

-- The node that last failed a chunk: a retry goes to another node while one is free.
ALTER TABLE render.frame_jobs
    ADD COLUMN failed_node_id uuid REFERENCES render.nodes (id) ON DELETE SET NULL,
    ADD COLUMN failed_at      timestamptz;
