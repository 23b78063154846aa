-- Operators hide a template from every tenant's catalog (TemplateService.SetTemplateHidden) and
-- show it again. A property of the template, not of a version: a new version stays hidden.
-- Hidden templates stay renderable by id; jobs already made are not touched.

ALTER TABLE content.templates
    ADD COLUMN hidden    boolean     NOT NULL DEFAULT false,
    -- When it was last hidden; null while shown.
    ADD COLUMN hidden_at timestamptz,
    ADD CONSTRAINT templates_hidden_at CHECK (hidden = (hidden_at IS NOT NULL));
