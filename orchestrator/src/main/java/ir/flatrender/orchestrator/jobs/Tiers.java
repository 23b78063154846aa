package ir.flatrender.orchestrator.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Quality tiers, named by the output's short side: 9:16 at 1080p is 1080x1920. */
public final class Tiers {
    private static final Map<String, Integer> SHORT_SIDES = tiers(360, 480, 720, 1080, 1440, 2160);

    private Tiers() {}

    public static Iterable<String> names() {
        return SHORT_SIDES.keySet();
    }

    public static Optional<Integer> shortSide(String tier) {
        return Optional.ofNullable(SHORT_SIDES.get(tier));
    }

    /**
     * The output size for a frame of the given native size at a tier: the short side becomes
     * the tier's, the long side keeps the aspect ratio, both rounded to even numbers as
     * yuv420p needs.
     */
    public static Size outputSize(int nativeWidth, int nativeHeight, String tier) {
        int shortSide = shortSide(tier).orElseThrow(() -> new IllegalArgumentException("unknown tier " + tier));
        if (nativeWidth >= nativeHeight) {
            return new Size(even((double) shortSide * nativeWidth / nativeHeight), shortSide);
        }
        return new Size(shortSide, even((double) shortSide * nativeHeight / nativeWidth));
    }

    private static Map<String, Integer> tiers(int... shortSides) {
        Map<String, Integer> tiers = new LinkedHashMap<>();
        for (int side : shortSides) {
            tiers.put(side + "p", side);
        }
        return java.util.Collections.unmodifiableMap(tiers);
    }

    private static int even(double value) {
        return Math.max(2, (int) Math.round(value / 2) * 2);
    }

    public record Size(int width, int height) {}
}
