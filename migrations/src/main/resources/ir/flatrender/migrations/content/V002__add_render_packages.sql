-- What render nodes fetch: the part of a package their engine needs (for Remotion the
-- bundle, not the sources), stored content-addressed like the package itself. And what a
-- version is identified by: the digest of its sources, without what a push derives from them
-- (a Remotion bundle embeds the folder it was built in, so the same sources bundled in two
-- places give two different packages but are one version).

ALTER TABLE content.template_versions
    ADD COLUMN render_sha256 text CHECK (render_sha256 ~ '^[0-9a-f]{64}$'),
    ADD COLUMN render_bytes  bigint CHECK (render_bytes > 0),
    ADD COLUMN source_sha256 text CHECK (source_sha256 ~ '^[0-9a-f]{64}$');

UPDATE content.template_versions
SET render_sha256 = package_sha256, render_bytes = package_bytes, source_sha256 = package_sha256;

ALTER TABLE content.template_versions
    ALTER COLUMN render_sha256 SET NOT NULL,
    ALTER COLUMN render_bytes SET NOT NULL,
    ALTER COLUMN source_sha256 SET NOT NULL,
    ADD UNIQUE (template_id, source_sha256);

CREATE INDEX template_versions_render_sha256 ON content.template_versions (render_sha256);
