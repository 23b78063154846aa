package ir.flatrender.node.engines;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The engines this node found working at start-up. */
public final class Engines {
    private final Map<String, Engine> engines = new LinkedHashMap<>();

    public Engines(List<Engine> available) {
        for (Engine engine : available) {
            if (engines.putIfAbsent(engine.name(), engine) != null) {
                throw new IllegalArgumentException("engine " + engine.name() + " given twice");
            }
        }
    }

    public Optional<Engine> get(String name) {
        return Optional.ofNullable(engines.get(name));
    }

    public Set<String> names() {
        return engines.keySet();
    }

    /** What the engines can do beyond their names, all together. */
    public Set<String> capabilities() {
        Set<String> all = new java.util.TreeSet<>();
        engines.values().forEach(engine -> all.addAll(engine.capabilities()));
        return all;
    }
}
