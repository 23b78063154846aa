package ir.flatrender.migrations.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.migrations.Database;
import ir.flatrender.migrations.DatabaseConfig;
import ir.flatrender.migrations.Schema;
import ir.flatrender.migrations.embedded.EmbeddedPostgresConfig;
import ir.flatrender.migrations.embedded.EmbeddedPostgresServer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL for integration tests: one embedded server per test JVM, a template
 * database migrated once, and a fresh copy of it for every test class, or with {@link #perTest()}
 * for every test (for tests that restart the farm on its database and count on finding nothing
 * there but their own: a job an earlier test left out on nodes would be handed to theirs).
 *
 * <pre>{@code @RegisterExtension static final TestingPostgres postgres = new TestingPostgres();}</pre>
 */
public final class TestingPostgres
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(TestingPostgres.class);
    private static final String TEMPLATE_DATABASE = "flatrender_template";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final boolean perTest;
    private EmbeddedPostgresServer server;
    private DatabaseConfig config;
    private Database database;

    /** A database for the test class, shared by its tests. */
    public TestingPostgres() {
        this(false);
    }

    private TestingPostgres(boolean perTest) {
        this.perTest = perTest;
    }

    /** A fresh database for every test of the class. */
    public static TestingPostgres perTest() {
        return new TestingPostgres(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedServer.class, key -> SharedServer.start(), SharedServer.class)
                .server();
        if (!perTest) {
            open(context);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (perTest) {
            open(context);
        }
    }

    private void open(ExtensionContext context) {
        String name = "test_" + DATABASES.incrementAndGet() + "_"
                + ProcessHandle.current().pid();
        server.ensureDatabase(name, TEMPLATE_DATABASE);
        config = DatabaseConfig.of(server.jdbcUrl(name)).withMaxPoolSize(8);
        database = Database.connect(
                config, "test-" + context.getRequiredTestClass().getSimpleName(), new ObjectMapper());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private void close() {
        if (database != null) {
            database.close();
            database = null;
            config = null;
        }
    }

    /** The test's (or test class's) own database, migrated to the latest version of every schema. */
    public Database database() {
        return opened().database;
    }

    /** How to reach the test's (or test class's) database, for components that open their own pool. */
    public DatabaseConfig config() {
        return opened().config;
    }

    private TestingPostgres opened() {
        if (database == null) {
            throw new IllegalStateException(
                    perTest
                            ? "the database of a test is open from its @BeforeEach to its @AfterEach"
                            : "no database yet");
        }
        return this;
    }

    public EmbeddedPostgresServer server() {
        return server;
    }

    /** The per-JVM server, closed by JUnit when the run ends. */
    private record SharedServer(EmbeddedPostgresServer server) implements AutoCloseable {
        static SharedServer start() {
            EmbeddedPostgresServer server = EmbeddedPostgresServer.start(EmbeddedPostgresConfig.temporary());
            server.ensureDatabase(TEMPLATE_DATABASE, null);
            try (Database template = Database.connect(
                    DatabaseConfig.of(server.jdbcUrl(TEMPLATE_DATABASE)).withMaxPoolSize(2),
                    "test-template",
                    new ObjectMapper())) {
                template.migrate(List.of(Schema.values()));
            }
            return new SharedServer(server);
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
