-- An attempt that ends without a result and without a failure is a return: the node gave it back
-- when asked (a drain, a disable, a cancelled report it was asked for), said it was leaving, or
-- the assignment may have died with an orchestrator before it reached the node. Its attempt
-- number stays spent (a late report on it is fenced off) and is on record here, so that every
-- attempt of a chunk is its accepted result, a failure (node_crashes) or a return.

CREATE TABLE render.chunk_returns (
    chunk_id   uuid        NOT NULL REFERENCES render.frame_jobs (id) ON DELETE CASCADE,
    attempt    bigint      NOT NULL,
    job_id     uuid        NOT NULL REFERENCES render.render_jobs (id) ON DELETE CASCADE,
    -- The node it was out on; null once that node is deleted.
    node_id    uuid        REFERENCES render.nodes (id) ON DELETE SET NULL,
    reason     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (chunk_id, attempt)
);

CREATE INDEX chunk_returns_job ON render.chunk_returns (job_id);
