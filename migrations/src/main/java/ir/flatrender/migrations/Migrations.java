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
