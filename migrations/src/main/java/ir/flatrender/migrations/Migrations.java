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
            MigrateResult result;
            try {
                result = flyway(dataSource, schema).migrate();
            } catch (org.flywaydb.core.api.FlywayException e) {
                java.util.Optional<java.sql.SQLException> denied = deniedAccess(e);
                if (denied.isPresent()) {
                    throw new IllegalStateException(
                            "schema " + schema.sqlName() + ": this login may not read or migrate it ("
                                    + denied.get().getMessage()
                                    + "); run `flatrender db migrate` as the database's owner first, and run"
                                    + " each service as a login in its own role (deploy/DEPLOYMENT.md)",
                            e);
                }
                throw e;
            }
            log.info(
                    "schema {}: {} migration(s) applied, now at version {}",
                    schema.sqlName(),
                    result.migrationsExecuted,
                    result.targetSchemaVersion == null ? "(unchanged)" : result.targetSchemaVersion);
        }
    }

    /** PostgreSQL's refusal of a privilege to the login (SQLSTATE 42501), if that is in the chain. */
    private static java.util.Optional<java.sql.SQLException> deniedAccess(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLException sql && "42501".equals(sql.getSQLState())) {
                return java.util.Optional.of(sql);
            }
        }
        return java.util.Optional.empty();
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
