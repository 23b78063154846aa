package ir.flatrender.orchestrator;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import ir.flatrender.media.testing.ArchitectureRules;

/**
 * The orchestrator's package rules (ARCHITECTURE.md, "Rules"); any break fails. The edge where proto stops: {@code api} (the gRPC services and their mappers) and {@code nodes} (the node service's stream).
 */
@AnalyzeClasses(
        packages = OrchestratorArchitectureTest.ROOT,
        importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class OrchestratorArchitectureTest {
    static final String ROOT = "ir.flatrender.orchestrator";

    @ArchTest
    static final ArchRule noNewPackageCycles = ArchitectureRules.noNewPackageCycles(ROOT);

    @ArchTest
    static final ArchRule protoOnlyAtTheEdge =
            ArchitectureRules.protoOnlyAtTheEdge(ROOT, ROOT + ".api..", ROOT + ".nodes..");

    @ArchTest
    static final ArchRule noLongClasses = ArchitectureRules.noLongClasses(ROOT);

    @ArchTest
    static final ArchRule noWideConstructors = ArchitectureRules.noWideConstructors(ROOT);
}
