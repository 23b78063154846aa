package ir.flatrender.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.migrations.embedded.EmbeddedPostgresConfig;
import ir.flatrender.migrations.embedded.EmbeddedPostgresServer;
import ir.flatrender.migrations.testing.TestingPostgres;
import java.nio.file.Path;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class MigrationsTest {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    @Test
    void createsTheRenderAndContentTables() {
        List<String> tables = postgres.database()
                .jdbi()
                .withHandle(
                        handle -> handle.createQuery("""
                                SELECT table_schema || '.' || table_name
                                FROM information_schema.tables
                                WHERE table_schema IN ('render', 'content') AND table_name <> 'flyway_schema_history'
                                  AND NOT (table_schema || '.' || table_name)::regclass IN (
                                      SELECT inhrelid::regclass FROM pg_inherits)
                                ORDER BY 1
                                """).mapTo(String.class).list());
        assertThat(tables)
                .containsExactly(
                        "content.color_presets",
                        "content.containers",
                        "content.project_media",
                        "content.projects",
                        "content.scene_fields",
                        "content.scenes",
                        "content.template_versions",
                        "content.templates",
                        "render.chunk_returns",
                        "render.exports",
                        "render.farm_credentials",
                        "render.frame_jobs",
                        "render.frame_repair_jobs",
                        "render.job_node_blocks",
                        "render.node_crashes",
                        "render.node_health_logs",
                        "render.node_template_cache",
                        "render.nodes",
                        "render.render_jobs",
                        "render.segments",
                        "render.snapshots");
    }

    @Test
    void migratingTwiceChangesNothing() {
        postgres.database().migrate(List.of(Schema.values()));
        int applied = appliedMigrations();
        assertThat(applied).isGreaterThanOrEqualTo(2);
        postgres.database().migrate(List.of(Schema.values()));
        assertThat(appliedMigrations()).isEqualTo(applied);
    }

    @Test
    void aServiceLoginChecksItsOwnSchemasAndIsToldToMigrateAsTheOwnerForAnother() {
        ServiceRoles.ensureLogin(
                postgres.database().dataSource(), ServiceRoles.GATEWAY, "migrations_test_gw", "gw password");
        try (Database gateway = Database.connect(
                ServiceRoles.loginConfig(postgres.config(), "migrations_test_gw", "gw password"),
                "migrations-test-gw",
                new ObjectMapper())) {
            // Up to date: a check over the login, nothing to write.
            gateway.migrate(List.of(Schema.IDENTITY));

            assertThatThrownBy(() -> gateway.migrate(List.of(Schema.PAYMENT)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("schema payment: this login may not read or migrate it (")
                    .hasMessageContaining("permission denied for schema payment")
                    .hasMessageContaining("run `flatrender db migrate` as the database's owner first");
        }
    }

    @Test
    void aDatabaseFromTheFirstVersionKeepsItsJobsAndSegments() {
        postgres.server().ensureDatabase("upgraded", null);
        try (Database db = Database.connect(
                DatabaseConfig.of(postgres.server().jdbcUrl("upgraded")), "upgraded", new ObjectMapper())) {
            for (Schema schema : Schema.values()) {
                Flyway.configure()
                        .configuration(
                                Migrations.flyway(db.dataSource(), schema).getConfiguration())
                        .target("1")
                        .load()
                        .migrate();
            }
            db.jdbi().useHandle(handle -> handle.execute("""
                    INSERT INTO render.render_jobs (id, tenant_id, request_sha256, template_id, template_version,
                        package_sha256, package_bytes, engine, aspect, tier, render_width, render_height,
                        output_width, output_height, fps, frame_start, frame_end, bindings, encoder,
                        max_attempts, chunks_total, state)
                    VALUES ('00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000001', 'r',
                        'sample-promo', 1, 'p', 1, 'timeline', '16:9', '720p', 1280, 720, 1280, 720, 30, 0, 29,
                        '{}', '{}', 3, 1, 'running');
                    INSERT INTO render.frame_jobs (id, job_id, seq, frame_start, frame_end, engine, priority,
                        job_created_at, state, attempt, segment_key, segment_bytes, segment_sha256)
                    VALUES ('00000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-00000000000a', 0, 0, 29,
                        'timeline', 0, now(), 'done', 2, 'segments/a/0-2.ts', 1234, 'abc');
                    """));
            db.migrate(List.of(Schema.values()));
            var segment = db.jdbi()
                    .withHandle(handle -> handle.createQuery(
                                    "SELECT tier || ' ' || attempt || ' ' || blob_key || ' ' || size_bytes || ' ' || sha256"
                                            + " FROM render.segments")
                            .mapTo(String.class)
                            .one());
            assertThat(segment).isEqualTo("720p 2 segments/a/0-2.ts 1234 abc");
            String outputs = db.jdbi()
                    .withHandle(handle -> handle.createQuery("SELECT outputs::text FROM render.render_jobs")
                            .mapTo(String.class)
                            .one());
            assertThat(outputs)
                    .isEqualTo("[{\"tier\": \"720p\", \"width\": 1280, \"format\": \"mpegts\", \"height\": 720}]");
        }
    }

    @Test
    void theCatalogHoldsAProjectWithItsSceneFieldsPresetsAndMediaAndRefusesMediaOfAnUnknownVersion() {
        var jdbi = postgres.database().jdbi();
        jdbi.useHandle(handle -> handle.execute("""
                INSERT INTO content.templates (id, name, current_version) VALUES ('catalogued', 'Catalogued', 1);
                INSERT INTO content.template_versions (template_id, version, package_sha256, package_bytes,
                    render_sha256, render_bytes, source_sha256, engine, fps, duration_frames, aspects,
                    bindings_schema, spec, manifest, files)
                VALUES ('catalogued', 1, repeat('a', 64), 1, repeat('a', 64), 1, repeat('a', 64), 'remotion', 30,
                    150, '{}', '[]', '{}', '{}', '{}');
                INSERT INTO content.containers (id, name_fa, name_en, position) VALUES ('intro', 'اینترو', 'Intro', 0);
                INSERT INTO content.projects (id, tenant_id, container_id, template_version, name_fa, name_en,
                    tags_fa, tags_en, engine, fps, duration_frames, aspects)
                VALUES ('catalogued', '00000000-0000-0000-0000-000000000001', 'intro', 1, 'افتتاحیه', 'Opener',
                    '{افتتاحیه}', '{opener}', 'remotion', 30, 150, '{"16:9": {"width": 1920, "height": 1080}}');
                INSERT INTO content.scenes (project_id, position, name_fa, name_en, start_frame, duration_frames)
                VALUES ('catalogued', 0, 'صحنه', 'Scene', 0, 150);
                INSERT INTO content.scene_fields (project_id, scene_position, position, name, type, label_fa,
                    label_en, required, max_length, default_fa, default_en, palette)
                VALUES ('catalogued', 0, 0, 'title', 'text', 'عنوان', 'Title', false, 36, '"سلام"', '"Hello"', '{}');
                INSERT INTO content.color_presets (project_id, position, name_fa, name_en, colors)
                VALUES ('catalogued', 0, 'کاغذی', 'Paper', '{"primary": "#e53935"}');
                INSERT INTO content.project_media (project_id, template_version, kind, aspect, sha256, blob_key,
                    content_type, size_bytes, width, height)
                VALUES ('catalogued', 1, 'cover', '16:9', repeat('b', 64), 'catalog/b.jpg', 'image/jpeg', 10, 1920,
                    1080);
                """));
        String joined = jdbi.withHandle(
                handle -> handle.createQuery("""
                        SELECT p.name_en || ' ' || c.name_fa || ' ' || f.max_length || ' ' || m.kind
                        FROM content.projects p
                        JOIN content.containers c ON c.id = p.container_id
                        JOIN content.scene_fields f ON f.project_id = p.id
                        JOIN content.project_media m ON m.project_id = p.id
                        """).mapTo(String.class).one());
        assertThat(joined).isEqualTo("Opener اینترو 36 cover");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdbi.useHandle(handle -> handle.execute("""
                        INSERT INTO content.project_media (project_id, template_version, kind, aspect, sha256,
                            blob_key, content_type, size_bytes, width, height)
                        VALUES ('catalogued', 2, 'preview', '16:9', repeat('c', 64), 'catalog/c.mp4', 'video/mp4',
                            10, 640, 360)
                        """)))
                .hasMessageContaining("project_media_project_id_template_version_fkey");
        jdbi.useHandle(handle -> handle.execute("DELETE FROM content.templates WHERE id = 'catalogued'"));
        int left = jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT (SELECT count(*) FROM content.projects) + (SELECT count(*) FROM content.scene_fields)"
                                + " + (SELECT count(*) FROM content.project_media)")
                .mapTo(Integer.class)
                .one());
        assertThat(left).isZero();
    }

    private static int appliedMigrations() {
        return postgres.database()
                .jdbi()
                .withHandle(
                        handle -> handle.createQuery("""
                                SELECT (SELECT count(*) FROM render.flyway_schema_history)
                                     + (SELECT count(*) FROM content.flyway_schema_history)
                                """).mapTo(Integer.class).one());
    }

    @Test
    void embeddedServerKeepsItsDataAcrossRestarts(@TempDir Path dataDir) {
        try (EmbeddedPostgresServer first = EmbeddedPostgresServer.start(EmbeddedPostgresConfig.persistent(dataDir))) {
            first.ensureDatabase("kept", null);
            try (Database db = Database.connect(DatabaseConfig.of(first.jdbcUrl("kept")), "kept", new ObjectMapper())) {
                db.jdbi().useHandle(handle -> handle.execute("CREATE TABLE survivor (v text)"));
                db.jdbi().useHandle(handle -> handle.execute("INSERT INTO survivor VALUES ('still here')"));
            }
        }
        try (EmbeddedPostgresServer second = EmbeddedPostgresServer.start(EmbeddedPostgresConfig.persistent(dataDir));
                Database db = Database.connect(DatabaseConfig.of(second.jdbcUrl("kept")), "kept", new ObjectMapper())) {
            String value = db.jdbi()
                    .withHandle(handle -> handle.createQuery("SELECT v FROM survivor")
                            .mapTo(String.class)
                            .one());
            assertThat(value).isEqualTo("still here");
        }
    }
}
