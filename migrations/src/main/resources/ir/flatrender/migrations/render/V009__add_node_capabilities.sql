-- What a node's engines can do beyond their names ("webgl": its Chromium renders WebGL), and
-- what a chunk needs of its node (a 3D template's chunks need "webgl"): a chunk is claimed only
-- by a node whose capabilities hold everything it requires.
ALTER TABLE render.nodes ADD COLUMN capabilities text[] NOT NULL DEFAULT '{}';
ALTER TABLE render.frame_jobs ADD COLUMN requires text[] NOT NULL DEFAULT '{}';
