package ir.flatrender.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.migrations.embedded.EmbeddedPostgresConfig;
import ir.flatrender.migrations.embedded.EmbeddedPostgresServer;
import ir.flatrender.migrations.testing.TestingPostgres;
import java.nio.file.Path;
import java.util.List;
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
                                ORDER BY 1
                                """).mapTo(String.class).list());
        assertThat(tables)
                .containsExactly(
                        "content.template_versions",
                        "content.templates",
                        "render.exports",
                        "render.frame_jobs",
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
