package ir.flatrender.media.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.all;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.AbstractClassesTransformer;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The package rules of a main module (ARCHITECTURE.md, "Rules"), as plain ArchUnit rules: any
 * break fails the module's architecture test, naming the class or the package edge. (They were
 * frozen with a record of the breaks of the day while the debts were paid; none is left, so
 * nothing is recorded and nothing may be.)
 */
public final class ArchitectureRules {
    /** The most lines a main source file may have. */
    public static final int MAX_LINES = 400;
    /** The most parameters a constructor may take (records, whose components are data, aside). */
    public static final int MAX_CONSTRUCTOR_PARAMETERS = 7;
    /** The generated wire types. */
    public static final String PROTO = "ir.flatrender.proto";

    private ArchitectureRules() {}

    /**
     * No package cycle among the packages directly under {@code root}: a package edge {@code a ->
     * b} (some class of {@code a..} uses one of {@code b..}) where {@code b} also reaches {@code
     * a} is a violation, so each edge of a cycle is named. The root package itself (the
     * composition root and its config) is left out.
     */
    public static ArchRule noNewPackageCycles(String root) {
        return all(packageEdges(root)).should(notBeOnACycle()).as("package edges under " + root + " are on no cycle");
    }

    /**
     * Generated proto types are used only in the edge packages (ArchUnit package patterns: the
     * gRPC services, clients and stream handlers, and their mappers); a class outside them that
     * uses one fails.
     */
    public static ArchRule protoOnlyAtTheEdge(String root, String... edges) {
        return classes()
                .that()
                .resideInAPackage(root + "..")
                .and()
                .resideOutsideOfPackages(edges)
                .should(notUseProto())
                .as("only " + String.join(", ", edges) + " use " + PROTO + " types");
    }

    /** No main source file under {@code root} over {@link #MAX_LINES} lines. */
    public static ArchRule noLongClasses(String root) {
        return classes()
                .that()
                .resideInAPackage(root + "..")
                .and()
                .areTopLevelClasses()
                .should(haveAtMostLines(MAX_LINES))
                .as("main classes under " + root + " have at most " + MAX_LINES + " lines");
    }

    /**
     * No constructor under {@code root} over {@link #MAX_CONSTRUCTOR_PARAMETERS} parameters;
     * records (data, not dependencies) aside.
     */
    public static ArchRule noWideConstructors(String root) {
        return classes()
                .that()
                .resideInAPackage(root + "..")
                .and()
                .areNotRecords()
                .should(haveNoConstructorOver(MAX_CONSTRUCTOR_PARAMETERS))
                .as("constructors under " + root + " take at most " + MAX_CONSTRUCTOR_PARAMETERS + " parameters");
    }

    /** One dependency between two packages directly under the root. */
    record PackageEdge(String from, String to, boolean onCycle) {
        @Override
        public String toString() {
            return from + " -> " + to;
        }
    }

    private static AbstractClassesTransformer<PackageEdge> packageEdges(String root) {
        return new AbstractClassesTransformer<>("package edges under " + root) {
            @Override
            public Iterable<PackageEdge> doTransform(JavaClasses classes) {
                Map<String, Set<String>> graph = new TreeMap<>();
                for (JavaClass javaClass : classes) {
                    Optional<String> from = topPackage(root, javaClass);
                    if (from.isEmpty()) {
                        continue;
                    }
                    graph.computeIfAbsent(from.get(), p -> new TreeSet<>());
                    for (Dependency dependency : javaClass.getDirectDependenciesFromSelf()) {
                        topPackage(root, dependency.getTargetClass())
                                .filter(to -> !to.equals(from.get()))
                                .ifPresent(to -> graph.get(from.get()).add(to));
                    }
                }
                List<PackageEdge> edges = new java.util.ArrayList<>();
                graph.forEach((from, targets) -> {
                    for (String to : targets) {
                        edges.add(new PackageEdge(from, to, reaches(graph, to, from)));
                    }
                });
                return edges;
            }
        };
    }

    private static Optional<String> topPackage(String root, JavaClass javaClass) {
        String name = javaClass.getPackageName();
        if (!name.startsWith(root + ".")) {
            return Optional.empty();
        }
        String rest = name.substring(root.length() + 1);
        int dot = rest.indexOf('.');
        return Optional.of(root + "." + (dot < 0 ? rest : rest.substring(0, dot)));
    }

    private static boolean reaches(Map<String, Set<String>> graph, String start, String goal) {
        Set<String> seen = new HashSet<>();
        Deque<String> next = new ArrayDeque<>(List.of(start));
        while (!next.isEmpty()) {
            String node = next.pop();
            if (node.equals(goal)) {
                return true;
            }
            if (seen.add(node)) {
                next.addAll(graph.getOrDefault(node, Set.of()));
            }
        }
        return false;
    }

    private static ArchCondition<PackageEdge> notBeOnACycle() {
        return new ArchCondition<>("not be on a cycle") {
            @Override
            public void check(PackageEdge edge, ConditionEvents events) {
                events.add(new SimpleConditionEvent(
                        edge,
                        !edge.onCycle(),
                        "package edge " + edge + " is on a cycle (" + edge.to() + " reaches " + edge.from() + ")"));
            }
        };
    }

    private static ArchCondition<JavaClass> notUseProto() {
        return new ArchCondition<>("not use " + PROTO + " types") {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                boolean uses = javaClass.getDirectDependenciesFromSelf().stream()
                        .anyMatch(d -> d.getTargetClass().getPackageName().startsWith(PROTO));
                events.add(new SimpleConditionEvent(
                        javaClass, !uses, "class " + javaClass.getName() + " uses " + PROTO + " types"));
            }
        };
    }

    private static ArchCondition<JavaClass> haveAtMostLines(int most) {
        return new ArchCondition<>("have at most " + most + " lines") {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                Path file = sourceFile(javaClass);
                if (file == null) {
                    return;
                }
                events.add(new SimpleConditionEvent(
                        javaClass,
                        lines(file) <= most,
                        "class " + javaClass.getName() + " has more than " + most + " lines"));
            }
        };
    }

    /** The class's source file in this module's src/main/java, or null (a generated class). */
    private static Path sourceFile(JavaClass javaClass) {
        Optional<String> name = javaClass.getSource().flatMap(source -> source.getFileName());
        if (name.isEmpty()) {
            return null;
        }
        Path file = Path.of("src", "main", "java")
                .resolve(javaClass.getPackageName().replace('.', '/'))
                .resolve(name.get());
        return Files.isRegularFile(file) ? file : null;
    }

    private static long lines(Path file) {
        try (var stream = Files.lines(file)) {
            return stream.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ArchCondition<JavaClass> haveNoConstructorOver(int most) {
        return new ArchCondition<>("have no constructor over " + most + " parameters") {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                boolean wide = false;
                for (JavaConstructor constructor : javaClass.getConstructors()) {
                    if (!constructor.getModifiers().contains(JavaModifier.SYNTHETIC)
                            && declaredParameters(javaClass, constructor) > most) {
                        wide = true;
                    }
                }
                events.add(new SimpleConditionEvent(
                        javaClass,
                        !wide,
                        "class " + javaClass.getName() + " has a constructor over " + most + " parameters"));
            }
        };
    }

    /** The parameters the source declares: an enum's name and ordinal, an inner class's outer instance aside. */
    private static int declaredParameters(JavaClass javaClass, JavaConstructor constructor) {
        int count = constructor.getRawParameterTypes().size();
        if (javaClass.isEnum()) {
            count -= 2;
        } else if (javaClass.isInnerClass()) {
            count -= 1;
        }
        return count;
    }
}
