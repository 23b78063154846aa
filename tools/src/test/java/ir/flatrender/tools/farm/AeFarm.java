package ir.flatrender.tools.farm;

import ir.flatrender.migrations.Database;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.node.engines.aftereffects.FakeAerender;
import ir.flatrender.orchestrator.OrchestratorConfig;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.tools.admin.AdminClient;
import ir.flatrender.tools.farm.testing.TestingNodes;
import ir.flatrender.tools.jobs.JobClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Jdbi;

/**
 * A farm for the fault tests: an orchestrator with the test After Effects template, After
 * Effects nodes of one slot each on the fake aerender, and clients for jobs and nodes.
 */
final class AeFarm implements AutoCloseable {
    final TestingOrchestrator orchestrator;
    final TestingNodes nodes = new TestingNodes();
    final JobClient jobs;
    final AdminClient admin;
    final Jdbi jdbi;

    private AeFarm(TestingOrchestrator orchestrator, Database database) {
        this.orchestrator = orchestrator;
        this.jobs = new JobClient(orchestrator.channel(), Duration.ofSeconds(20));
        this.admin = new AdminClient(orchestrator.channel(), Duration.ofSeconds(20));
        this.jdbi = database.jdbi();
    }

    static AeFarm start(
            Database database, Path directory, List<String> nodeNames, UnaryOperator<OrchestratorConfig> customize)
            throws IOException {
        AeFarm farm = new AeFarm(TestingOrchestrator.start(database, customize), database);
        farm.orchestrator.installTestTemplate("ae-card", List.of("template.json", "card.aep"));
        EngineSettings afterEffects = EngineSettings.timelineOnly().withAerender(FakeAerender.install(directory));
        for (String name : nodeNames) {
            farm.nodes.start(farm.orchestrator, name, directory, 1, afterEffects);
        }
        return farm;
    }

    @Override
    public void close() {
        nodes.close();
        orchestrator.close();
    }
}
