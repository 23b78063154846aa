-- When the node running the current attempt of a chunk last listed it (a heartbeat whose lease
-- renewal committed, or a hello that adopted it); null until it does, and again at each new
-- attempt. An attempt its node never listed may not have reached it: when an orchestrator dies
-- between the claim and the send, its node comes back without it through no fault of its own,
-- and the restart grace gives it back without a failure (render.chunk_returns) instead of
-- charging the node a node_lost. Before this column the grace guessed from assigned_at and the
-- node's last_seen_at, which a renewal waiting behind a loaded database made wrong.
-- Attempts out on nodes when this lands count as never listed until their next heartbeat.

ALTER TABLE render.frame_jobs ADD COLUMN listed_at timestamptz;
