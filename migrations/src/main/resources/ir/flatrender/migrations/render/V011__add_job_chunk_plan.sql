-- A job's chunk size is chosen from the farm when the request does not fix it (issue 22): the
-- job keeps the size and why it was chosen, so every read of the job says the same.
ALTER TABLE render.render_jobs
    ADD COLUMN chunk_frames int  NOT NULL DEFAULT 0 CHECK (chunk_frames >= 0),
    ADD COLUMN chunk_plan   text NOT NULL DEFAULT '';
