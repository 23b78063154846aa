package ir.flatrender.migrations;

import static java.util.Objects.requireNonNull;

import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the Flyway migrations of the given schemas, in the order given. */
public final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {}

    public static void migrate(DataSource dataSource, List<Schema> schemas) {
        requireNonNull(dataSource, "dataSource is null");
        for (Schema schema : schemas) {
            MigrateResult result = flyway(dataSource, schema).migrate();
            log.info(
                    "schema {}: {} migration(s) applied, now at version {}",
                    schema.sqlName(),
                    result.migrationsExecuted,
                    result.targetSchemaVersion == null ? "(unchanged)" : result.targetSchemaVersion);
        }
    }

    /** One migration of a schema: applied, pending, or something Flyway objects to. */
    public record Status(
            String schema, String version, String description, String state, java.time.Instant appliedAt) {}

    /** Every migration of the given schemas and its state, oldest first. */
    public static List<Status> status(DataSource dataSource, List<Schema> schemas) {
        requireNonNull(dataSource, "dataSource is null");
        List<Status> statuses = new java.util.ArrayList<>();
        for (Schema schema : schemas) {
            for (org.flywaydb.core.api.MigrationInfo info :
                    flyway(dataSource, schema).info().all()) {
                statuses.add(new Status(
                        schema.sqlName(),
                        info.getVersion() == null ? "" : info.getVersion().getVersion(),
                        info.getDescription(),
                        info.getState().getDisplayName().toLowerCase(java.util.Locale.ROOT),
                        info.getInstalledOn() == null
                                ? null
                                : info.getInstalledOn().toInstant()));
            }
        }
        return statuses;
    }

    static Flyway flyway(DataSource dataSource, Schema schema) {
        return Flyway.configure()
                .dataSource(dataSource)
                .schemas(schema.sqlName())
                .defaultSchema(schema.sqlName())
                .createSchemas(true)
                .table("flyway_schema_history")
                .locations(schema.location())
                .failOnMissingLocations(true)
                .validateMigrationNaming(true)
                .load();
    }
}
