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

    /**
     * The CRF a tier's video is encoded at, from the job's encoder CRF: tiers up to 480p get
     * {@value #SMALL_TIER_CRF_STEP} less (about twice the bits). A design made for 1080p keeps its
     * detail in a ninth of the pixels at 360p, where CRF 18 cost the template pack's frames up to
     * 4 dB more between two encodes of the same frames (the chunks' seams) than CRF 12 does; at
     * 360p the bits are cheap (5 s of NowruzGreeting: 0.55 MB instead of 0.29 MB; QuoteCard 1.0 MB).
     */
    public static int crf(String tier, int encoderCrf) {
        int shortSide = shortSide(tier).orElseThrow(() -> new IllegalArgumentException("unknown tier " + tier));
        // Never down to 0 from above: CRF 0 is lossless, which the High profile refuses.
        return shortSide <= SMALL_TIER_MAX_SHORT_SIDE
                ? Math.max(Math.min(encoderCrf, 1), encoderCrf - SMALL_TIER_CRF_STEP)
                : encoderCrf;
    }

    /** The largest short side {@link #crf} treats as a small tier. */
    static final int SMALL_TIER_MAX_SHORT_SIDE = 480;

    /** How much lower a small tier's CRF is than the job's. */
    static final int SMALL_TIER_CRF_STEP = 6;

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
