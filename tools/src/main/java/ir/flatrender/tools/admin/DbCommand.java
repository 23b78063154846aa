package ir.flatrender.tools.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import ir.flatrender.migrations.Database;
import ir.flatrender.migrations.DatabaseConfig;
import ir.flatrender.migrations.Migrations;
import ir.flatrender.migrations.Schema;
import ir.flatrender.migrations.embedded.EmbeddedPostgresConfig;
import ir.flatrender.migrations.embedded.EmbeddedPostgresServer;
import ir.flatrender.tools.ExitCodes;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.options.DatabaseOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "db",
        description = "The farm's database: its migrations.",
        subcommands = CommandLine.HelpCommand.class,
        footer = {
            "",
            "Examples:",
            "  flatrender db status --db-url jdbc:postgresql://db:5432/flatrender --db-user flatrender",
            "  flatrender db migrate --data-dir .flatrender      # the embedded database of an orchestrator"
        })
public final class DbCommand {
    @ParentCommand
    FlatRender root;

    @Spec
    CommandSpec spec;

    @Command(
            mixinStandardHelpOptions = true,
            name = "migrate",
            description = "Bring every schema up to date (the orchestrator also does at start).")
    int migrate(
            @Mixin DatabaseOptions database,
            @Mixin Output output,
            @Option(names = "--data-dir", defaultValue = ".flatrender") Path data)
            throws Exception {
        return withDatabase(database, data, db -> {
            db.migrate(List.of(Schema.values()));
            return print(output, Migrations.status(db.dataSource(), List.of(Schema.values())));
        });
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "status",
            description = "Every migration of every schema: applied (when), pending or failed.")
    int status(
            @Mixin DatabaseOptions database,
            @Mixin Output output,
            @Option(names = "--data-dir", defaultValue = ".flatrender") Path data)
            throws Exception {
        return withDatabase(
                database, data, db -> print(output, Migrations.status(db.dataSource(), List.of(Schema.values()))));
    }

    private int print(Output output, List<Migrations.Status> statuses) throws Exception {
        if (output.json()) {
            ArrayNode rows = root.json().createArrayNode();
            for (Migrations.Status status : statuses) {
                rows.addObject()
                        .put("schema", status.schema())
                        .put("version", status.version())
                        .put("description", status.description())
                        .put("state", status.state())
                        .put(
                                "applied_at",
                                status.appliedAt() == null
                                        ? null
                                        : status.appliedAt().toString());
            }
            spec.commandLine()
                    .getOut()
                    .println(root.json()
                            .writeValueAsString(root.json().createObjectNode().set("migrations", rows)));
            spec.commandLine().getOut().flush();
        } else {
            Table table = Table.of("SCHEMA", "VERSION", "DESCRIPTION", "STATE", "APPLIED");
            for (Migrations.Status status : statuses) {
                table.row(
                        status.schema(),
                        status.version(),
                        status.description(),
                        status.state(),
                        status.appliedAt() == null ? "-" : status.appliedAt().toString());
            }
            table.print(spec.commandLine().getOut());
        }
        return statuses.stream().anyMatch(s -> s.state().contains("fail")) ? ExitCodes.ERROR : ExitCodes.OK;
    }

    @FunctionalInterface
    private interface Work {
        int run(Database database) throws Exception;
    }

    private int withDatabase(DatabaseOptions options, Path data, Work work) throws Exception {
        Optional<DatabaseConfig> external = options.external();
        if (external.isPresent()) {
            try (Database db = Database.connect(external.get().withMaxPoolSize(2), "db-command", root.json())) {
                return work.run(db);
            }
        }
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(new EmbeddedPostgresConfig(
                Optional.of(data.toAbsolutePath().resolve("postgres")), options.embeddedPort()))) {
            postgres.ensureDatabase("flatrender", null);
            try (Database db = Database.connect(
                    DatabaseConfig.of(postgres.jdbcUrl("flatrender")).withMaxPoolSize(2), "db-command", root.json())) {
                return work.run(db);
            }
        }
    }
}
