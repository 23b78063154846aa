package ir.flatrender.gateway;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import ir.flatrender.media.testing.ArchitectureRules;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The gateway's package rules (ARCHITECTURE.md, "Rules"); any break fails. The edge where proto stops: {@code renders} ({@code FarmClient}, the farm's client, and the render routes that call it).
 */
@AnalyzeClasses(
        packages = GatewayArchitectureTest.ROOT,
        importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class GatewayArchitectureTest {
    static final String ROOT = "ir.flatrender.gateway";

    @ArchTest
    static final ArchRule noNewPackageCycles = ArchitectureRules.noNewPackageCycles(ROOT);

    @ArchTest
    static final ArchRule protoOnlyAtTheEdge =
            ArchitectureRules.protoOnlyAtTheEdge(ROOT, ROOT + ".renders..", ROOT + ".console..");

    @ArchTest
    static final ArchRule noLongClasses = ArchitectureRules.noLongClasses(ROOT);

    @ArchTest
    static final ArchRule noWideConstructors = ArchitectureRules.noWideConstructors(ROOT);

    /**
     * Route classes parse and answer; the services under them hold the rules and reach the
     * database through Jdbi SQL objects: no route class runs SQL.
     */
    @ArchTest
    static final ArchRule routesRunNoSql = ArchRuleDefinition.noClasses()
            .that()
            .resideInAPackage(ROOT + "..")
            .and()
            .haveSimpleNameEndingWith("Routes")
            .should()
            .dependOnClassesThat()
            .belongToAnyOf(Jdbi.class, Handle.class)
            .as("route classes under " + ROOT + " run no SQL (no Jdbi, no Handle)");
}
