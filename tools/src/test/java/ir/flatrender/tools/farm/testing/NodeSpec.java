package ir.flatrender.tools.farm.testing;

import static java.util.Objects.requireNonNull;

/** One node of a farm: its name, its engines and how many chunks it renders at once. */
public record NodeSpec(String name, NodeEngine engine, int slots) {
    public NodeSpec {
        requireNonNull(name, "name is null");
        requireNonNull(engine, "engine is null");
        if (slots < 1) {
            throw new IllegalArgumentException("a node has at least one slot: " + slots);
        }
    }
}
