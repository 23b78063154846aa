-- Every attempt that ends without a result is a failed attempt on record: the node went away
-- while it ran (node_lost), its lease ran out (lease_expired), or its upload stopped moving
-- (upload_stalled). They count toward the attempt limit, the per-job block and quarantine.

ALTER TABLE render.node_crashes DROP CONSTRAINT node_crashes_kind_check;
ALTER TABLE render.node_crashes
    ADD CONSTRAINT node_crashes_kind_check
    CHECK (kind IN ('crash', 'hang', 'launch_failure', 'bad_output', 'out_of_memory', 'template_fetch', 'upload',
                    'node_lost', 'lease_expired', 'upload_stalled'));

-- A failure that another node met the same way on the same job is the job's fault (a template
-- naming a missing composition, frames the composition lacks): it fails the job and does not
-- count toward either node's quarantine.
ALTER TABLE render.node_crashes ADD COLUMN job_fault boolean NOT NULL DEFAULT false;
