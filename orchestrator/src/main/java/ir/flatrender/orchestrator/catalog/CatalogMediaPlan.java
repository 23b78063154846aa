package ir.flatrender.orchestrator.catalog;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.jobs.Tiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the farm renders for a catalog entry's current version: a JPEG cover per aspect (at the
 * tier whose short side is the aspect's own, of a frame a little past the middle) and a 360p
 * preview video of the 16:9 aspect (else the first the template has). Without force, only what
 * the version lacks; with it, all of it.
 *
 * @param tenantId the template's own tenant, whose renders these are
 */
public record CatalogMediaPlan(
        String templateId, int templateVersion, UUID tenantId, List<Cover> covers, Optional<Preview> preview) {
    public static final String PREVIEW_TIER = "360p";
    public static final String COVER_FORMAT = "jpeg";
    private static final String WIDE = "16:9";

    public CatalogMediaPlan {
        requireNonNull(templateId, "templateId is null");
        requireNonNull(tenantId, "tenantId is null");
        covers = List.copyOf(requireNonNull(covers, "covers is null"));
        requireNonNull(preview, "preview is null");
    }

    /** A still of one aspect. */
    public record Cover(String aspect, int frame, String tier) {}

    /** The preview video. */
    public record Preview(String aspect, String tier) {}

    public static CatalogMediaPlan of(CatalogRows.Entry entry, boolean force) {
        CatalogRows.Project project = entry.project();
        int version = project.templateVersion();
        List<CatalogRows.Aspect> aspects = project.aspectsInOrder();
        List<Cover> covers = new ArrayList<>();
        for (CatalogRows.Aspect aspect : aspects) {
            boolean has = entry.media().stream()
                    .anyMatch(m -> m.kind().equals("cover")
                            && m.aspect().equals(aspect.aspect())
                            && m.templateVersion() == version);
            if (force || !has) {
                covers.add(new Cover(
                        aspect.aspect(),
                        coverFrame(project.durationFrames()),
                        coverTier(aspect.width(), aspect.height())));
            }
        }
        boolean hasPreview =
                entry.media().stream().anyMatch(m -> m.kind().equals("preview") && m.templateVersion() == version);
        Optional<Preview> preview = (force || !hasPreview) && !aspects.isEmpty()
                ? Optional.of(new Preview(previewAspect(aspects), PREVIEW_TIER))
                : Optional.empty();
        return new CatalogMediaPlan(project.id(), version, project.tenantId(), covers, preview);
    }

    /** Whether there is nothing to render. */
    public boolean isEmpty() {
        return covers.isEmpty() && preview.isEmpty();
    }

    /** The tier whose short side is the aspect's own (the largest below it when none is; the smallest at least). */
    static String coverTier(int width, int height) {
        int shortSide = Math.min(width, height);
        String chosen = null;
        for (String tier : Tiers.names()) {
            if (chosen == null || Tiers.shortSide(tier).orElseThrow() <= shortSide) {
                chosen = tier;
            }
        }
        return chosen;
    }

    /** The frame a cover shows: the manifest's choice is not in the catalog, so a little past the middle. */
    static int coverFrame(int durationFrames) {
        return Math.max(0, Math.min(durationFrames - 1, (int) (durationFrames * 0.55)));
    }

    private static String previewAspect(List<CatalogRows.Aspect> aspects) {
        return aspects.stream()
                .map(CatalogRows.Aspect::aspect)
                .filter(WIDE::equals)
                .findFirst()
                .orElse(aspects.get(0).aspect());
    }
}
