package ir.flatrender.tools;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import ir.flatrender.media.testing.ArchitectureRules;

/**
 * The command's size rules (ARCHITECTURE.md, "Rules"): no class over 400 lines, no constructor
 * over 7 parameters, no package cycle. The CLI is a gRPC and HTTP client through and through, so
 * proto is not confined here.
 */
@AnalyzeClasses(
        packages = ToolsArchitectureTest.ROOT,
        importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ToolsArchitectureTest {
    static final String ROOT = "ir.flatrender.tools";

    @ArchTest
    static final ArchRule noPackageCycles = ArchitectureRules.noNewPackageCycles(ROOT);

    @ArchTest
    static final ArchRule noLongClasses = ArchitectureRules.noLongClasses(ROOT);

    @ArchTest
    static final ArchRule noWideConstructors = ArchitectureRules.noWideConstructors(ROOT);
}
