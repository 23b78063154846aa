package ir.flatrender.tools.templates;

import static java.util.Objects.requireNonNull;

import io.grpc.Channel;
import ir.flatrender.proto.farm.v1.CatalogEntry;
import ir.flatrender.proto.farm.v1.CatalogMedia;
import ir.flatrender.proto.farm.v1.CatalogServiceGrpc;
import ir.flatrender.proto.farm.v1.GetCatalogEntryRequest;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.RenderSnapshotRequest;
import ir.flatrender.proto.farm.v1.SetCatalogMediaRequest;
import ir.flatrender.proto.farm.v1.Snapshot;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.proto.farm.v1.TemplateAspect;
import ir.flatrender.tools.jobs.JobClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Has the farm itself render what a template's catalog entry lacks for its current version (a
 * cover still per aspect through the snapshot API, a 360p preview video through a job) and
 * links each to the entry (SetCatalogMedia, an operator's call). An entry whose media are all
 * there for its version costs one read and renders nothing.
 */
final class CatalogMediaSeeder {
    static final String PREVIEW_TIER = "360p";
    private static final List<Integer> TIERS = List.of(360, 480, 720, 1080, 1440, 2160);

    private final Channel channel;
    private final String tenant;
    private final PrintWriter progress;

    /** @param tenant the tenant the templates were pushed for; empty for the default tenant */
    CatalogMediaSeeder(Channel channel, String tenant, PrintWriter progress) {
        this.channel = requireNonNull(channel, "channel is null");
        this.tenant = requireNonNull(tenant, "tenant is null");
        this.progress = requireNonNull(progress, "progress is null");
    }

    /** What seeding an entry's media did: covers and previews rendered now. */
    record Rendered(int covers, int previews) {
        int total() {
            return covers + previews;
        }
    }

    /** The tier whose short side is the aspect's own (the largest below it when none is). */
    static String coverTier(int width, int height) {
        int shortSide = Math.min(width, height);
        int tier = TIERS.get(0);
        for (int candidate : TIERS) {
            if (candidate <= shortSide) {
                tier = candidate;
            }
        }
        return tier + "p";
    }

    /** The frame a cover shows: the manifest's choice is not in the catalog, so a little past the middle. */
    static int coverFrame(int durationFrames) {
        return Math.min(durationFrames - 1, (int) (durationFrames * 0.55));
    }

    Rendered seed(String templateId) {
        CatalogEntry entry = CatalogServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .getCatalogEntry(GetCatalogEntryRequest.newBuilder()
                        .setTenantId(tenant)
                        .setTemplateId(templateId)
                        .build());
        int version = entry.getTemplateVersion();
        int covers = 0;
        for (TemplateAspect aspect : entry.getAspectsList()) {
            boolean has = entry.getMediaList().stream()
                    .anyMatch(m -> m.getKind().equals("cover")
                            && m.getAspect().equals(aspect.getAspect())
                            && m.getTemplateVersion() == version);
            if (!has) {
                cover(entry, aspect);
                covers++;
            }
        }
        boolean hasPreview = entry.getMediaList().stream()
                .anyMatch(m -> m.getKind().equals("preview") && m.getTemplateVersion() == version);
        int previews = 0;
        if (!hasPreview && entry.getAspectsCount() > 0) {
            preview(entry);
            previews++;
        }
        if (covers + previews == 0) {
            progress.printf("  %s: covers and preview of version %d already there%n", templateId, version);
            progress.flush();
        }
        return new Rendered(covers, previews);
    }

    private void cover(CatalogEntry entry, TemplateAspect aspect) {
        long started = System.nanoTime();
        Snapshot still = JobServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.MINUTES)
                .renderSnapshot(RenderSnapshotRequest.newBuilder()
                        .setTenantId(tenant)
                        .setTemplateId(entry.getTemplateId())
                        .setTemplateVersion(entry.getTemplateVersion())
                        .setAspect(aspect.getAspect())
                        .setFrame(coverFrame(entry.getDurationFrames()))
                        .setTier(coverTier(aspect.getWidth(), aspect.getHeight()))
                        .setFormat("jpeg")
                        .build());
        CatalogMedia linked = link(SetCatalogMediaRequest.newBuilder()
                .setTemplateId(entry.getTemplateId())
                .setTemplateVersion(entry.getTemplateVersion())
                .setSnapshotCacheKey(still.getCacheKey())
                .build());
        progress.printf(
                Locale.ROOT,
                "  %s: cover %s %dx%d, %d KB, %s in %.1f s%n",
                entry.getTemplateId(),
                linked.getAspect(),
                linked.getWidth(),
                linked.getHeight(),
                linked.getSizeBytes() / 1024,
                still.getCached() ? "from the snapshot cache" : "rendered",
                (System.nanoTime() - started) / 1e9);
        progress.flush();
    }

    private void preview(CatalogEntry entry) {
        long started = System.nanoTime();
        String aspect = entry.getAspectsList().stream()
                .map(TemplateAspect::getAspect)
                .filter("16:9"::equals)
                .findFirst()
                .orElse(entry.getAspects(0).getAspect());
        JobClient jobs = new JobClient(channel, Duration.ofSeconds(30));
        SubmitJobRequest.Builder request = SubmitJobRequest.newBuilder()
                .setTenantId(tenant)
                .setTemplateId(entry.getTemplateId())
                .setTemplateVersion(entry.getTemplateVersion())
                .setAspect(aspect)
                .setTier(PREVIEW_TIER)
                // A seed stopped while its preview rendered finds that job again.
                .setIdempotencyKey("catalog-preview:" + entry.getTemplateId() + ":v" + entry.getTemplateVersion());
        Job job = jobs.submit(request.build()).getJob();
        if (job.getState() == JobState.JOB_STATE_FAILED || job.getState() == JobState.JOB_STATE_CANCELLED) {
            // That job ended without a video: a new one.
            job = jobs.submit(request.setIdempotencyKey(request.getIdempotencyKey() + ":" + System.currentTimeMillis())
                            .build())
                    .getJob();
        }
        progress.printf("  %s: preview %s %s, job %s%n", entry.getTemplateId(), aspect, PREVIEW_TIER, job.getId());
        progress.flush();
        Job ended = jobs.follow(job.getId(), update -> {});
        if (ended.getState() != JobState.JOB_STATE_SUCCEEDED) {
            throw new IllegalStateException("the preview job " + job.getId() + " of " + entry.getTemplateId()
                    + " ended " + ended.getState() + (ended.getError().isEmpty() ? "" : ": " + ended.getError()));
        }
        CatalogMedia linked = link(SetCatalogMediaRequest.newBuilder()
                .setTemplateId(entry.getTemplateId())
                .setTemplateVersion(entry.getTemplateVersion())
                .setJobId(job.getId())
                .build());
        progress.printf(
                Locale.ROOT,
                "  %s: preview %dx%d, %d frames, %d KB in %.1f s%n",
                entry.getTemplateId(),
                linked.getWidth(),
                linked.getHeight(),
                linked.getFrameCount(),
                linked.getSizeBytes() / 1024,
                (System.nanoTime() - started) / 1e9);
        progress.flush();
    }

    private CatalogMedia link(SetCatalogMediaRequest request) {
        return CatalogServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(2, TimeUnit.MINUTES)
                .setCatalogMedia(request);
    }
}
