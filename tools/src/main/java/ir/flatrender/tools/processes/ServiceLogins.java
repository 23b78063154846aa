package ir.flatrender.tools.processes;

import ir.flatrender.gateway.identity.Secrets;
import java.io.IOException;
import java.nio.file.Path;

/** The embedded database's passwords of the services' logins: {@code <service>-db-password}, made once, owner-only. */
final class ServiceLogins {
    private ServiceLogins() {}

    /**
     * Migrates {@code schemas} over the owner's connection and makes the service's login in its
     * role; answers the login's configuration, for the service to run as.
     */
    static ir.flatrender.migrations.DatabaseConfig migrateAndLogIn(
            ir.flatrender.migrations.DatabaseConfig owner,
            java.util.List<ir.flatrender.migrations.Schema> schemas,
            String role,
            String service,
            Path dataDirectory,
            com.fasterxml.jackson.databind.ObjectMapper json)
            throws IOException {
        String login = "flatrender_" + service + "_login";
        String password = password(dataDirectory, service);
        try (ir.flatrender.migrations.Database migrator =
                ir.flatrender.migrations.Database.connect(owner.withMaxPoolSize(2), "migrations", json)) {
            migrator.migrate(schemas);
            ir.flatrender.migrations.ServiceRoles.ensureLogin(migrator.dataSource(), role, login, password);
        }
        return ir.flatrender.migrations.ServiceRoles.loginConfig(owner, login, password);
    }

    static String password(Path dataDirectory, String service) throws IOException {
        return ir.flatrender.tools.SecretFiles.readOrCreate(
                dataDirectory.resolve(service + "-db-password"), () -> Secrets.generate(""));
    }
}
