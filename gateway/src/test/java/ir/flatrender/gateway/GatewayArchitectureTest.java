package ir.flatrender.gateway;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import ir.flatrender.media.testing.ArchitectureRules;

/**
 * The gateway's package rules (ARCHITECTURE.md, "Rules"), frozen: what breaks them today is in
 * src/test/archunit-store, and a new break fails. The edge where proto stops: {@code renders} ({@code FarmClient}, the farm's client, and the render routes that call it).
 */
@AnalyzeClasses(
        packages = GatewayArchitectureTest.ROOT,
        importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class GatewayArchitectureTest {
    static final String ROOT = "ir.flatrender.gateway";

    @ArchTest
    static final ArchRule noNewPackageCycles = ArchitectureRules.noNewPackageCycles(ROOT);

    @ArchTest
    static final ArchRule protoOnlyAtTheEdge = ArchitectureRules.protoOnlyAtTheEdge(ROOT, ROOT + ".renders..");

    @ArchTest
    static final ArchRule noLongClasses = ArchitectureRules.noLongClasses(ROOT);

    @ArchTest
    static final ArchRule noWideConstructors = ArchitectureRules.noWideConstructors(ROOT);
}
