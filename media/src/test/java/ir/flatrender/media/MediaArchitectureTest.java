package ir.flatrender.media;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import ir.flatrender.media.testing.ArchitectureRules;

/**
 * The media library's size rules (ARCHITECTURE.md, "Rules"): no class over 400 lines, no constructor
 * over 7 parameters, no package cycle. (Its test-jar's {@code testing} package, where these rules
 * live, is test code and not analysed.)
 */
@AnalyzeClasses(
        packages = MediaArchitectureTest.ROOT,
        importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class MediaArchitectureTest {
    static final String ROOT = "ir.flatrender.media";

    @ArchTest
    static final ArchRule noPackageCycles = ArchitectureRules.noNewPackageCycles(ROOT);

    @ArchTest
    static final ArchRule noLongClasses = ArchitectureRules.noLongClasses(ROOT);

    @ArchTest
    static final ArchRule noWideConstructors = ArchitectureRules.noWideConstructors(ROOT);
}
