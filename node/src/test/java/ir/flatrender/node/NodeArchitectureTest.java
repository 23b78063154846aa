package ir.flatrender.node;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import ir.flatrender.media.testing.ArchitectureRules;

/**
 * The node's package rules (ARCHITECTURE.md, "Rules"); any break fails. The edge where proto stops: the root package ({@code NodeAgent}, the control stream's listener, and {@code RenderNode}) and {@code control} (the stream itself).
 */
@AnalyzeClasses(
        packages = NodeArchitectureTest.ROOT,
        importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class NodeArchitectureTest {
    static final String ROOT = "ir.flatrender.node";

    @ArchTest
    static final ArchRule noNewPackageCycles = ArchitectureRules.noNewPackageCycles(ROOT);

    @ArchTest
    static final ArchRule protoOnlyAtTheEdge = ArchitectureRules.protoOnlyAtTheEdge(ROOT, ROOT, ROOT + ".control..");

    @ArchTest
    static final ArchRule noLongClasses = ArchitectureRules.noLongClasses(ROOT);

    @ArchTest
    static final ArchRule noWideConstructors = ArchitectureRules.noWideConstructors(ROOT);
}
