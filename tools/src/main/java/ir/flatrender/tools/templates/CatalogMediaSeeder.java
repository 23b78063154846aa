package ir.flatrender.tools.templates;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Timestamp;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import ir.flatrender.proto.farm.v1.CatalogEntry;
import ir.flatrender.proto.farm.v1.CatalogMedia;
import ir.flatrender.proto.farm.v1.CatalogServiceGrpc;
import ir.flatrender.proto.farm.v1.GetCatalogEntryRequest;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.ListJobsRequest;
import ir.flatrender.proto.farm.v1.RenderCatalogMediaRequest;
import ir.flatrender.proto.farm.v1.RenderCatalogMediaResponse;
import ir.flatrender.proto.farm.v1.TemplateAspect;
import ir.flatrender.tools.jobs.JobClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Has the farm render what a template's catalog entry lacks for its current version
 * (RenderCatalogMedia, an operator's call: a cover still per aspect and a 360p preview video,
 * each linked to the entry by the orchestrator when it is made), then waits for the entry to
 * have them, saying what arrives. An entry whose media are all there for its version renders
 * nothing.
 */
final class CatalogMediaSeeder {
    private static final Duration POLL = Duration.ofSeconds(1);
    /**
     * How long the entry may go without a new medium while nothing it waits for is rendering (the
     * preview's job ended, or none was started): a little more than the orchestrator gives a cover.
     */
    private static final Duration STALLED = Duration.ofMinutes(11);
    /** How long the seed waits for the farm to take one more template's media (it renders a few at once). */
    private static final Duration BUSY = Duration.ofMinutes(30);

    private static final Duration BUSY_POLL = Duration.ofSeconds(15);

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

    Rendered seed(String templateId) throws InterruptedException {
        long started = System.nanoTime();
        Instant asked = Instant.now();
        // What the entry has already is not news when it shows again below.
        Set<String> seen = new HashSet<>();
        CatalogEntry before = entry(templateId);
        before.getMediaList().stream()
                .filter(m -> m.getTemplateVersion() == before.getTemplateVersion())
                .forEach(m -> seen.add(m.getKind() + " " + m.getAspect()));
        RenderCatalogMediaResponse answer = ask(templateId);
        int version = answer.getTemplateVersion();
        if (answer.getCovers() == 0 && !answer.getPreview()) {
            progress.printf("  %s: covers and preview of version %d already there%n", templateId, version);
            progress.flush();
            return new Rendered(0, 0);
        }
        JobClient jobs = new JobClient(channel, Duration.ofSeconds(30));
        Optional<String> previewJob = answer.getJobIdsList().stream().findFirst();
        if (previewJob.isPresent()) {
            Job job = jobs.get(previewJob.get(), false);
            progress.printf("  %s: preview %s %s, job %s%n", templateId, job.getAspect(), job.getTier(), job.getId());
            progress.flush();
        }
        long lastNews = System.nanoTime();
        while (true) {
            CatalogEntry entry = entry(templateId);
            if (entry.getTemplateVersion() != version) {
                throw new IllegalStateException(templateId + " became version " + entry.getTemplateVersion()
                        + " while the media of version " + version + " rendered; seed again");
            }
            for (CatalogMedia media : entry.getMediaList()) {
                if (media.getTemplateVersion() == version && seen.add(media.getKind() + " " + media.getAspect())) {
                    report(templateId, media, started);
                    lastNews = System.nanoTime();
                }
            }
            if (complete(entry)) {
                return new Rendered(answer.getCovers(), answer.getPreview() ? 1 : 0);
            }
            boolean rendering = rendering(jobs, entry, asked, previewJob);
            if (rendering) {
                lastNews = System.nanoTime();
            } else if (System.nanoTime() - lastNews > STALLED.toNanos()) {
                throw new IllegalStateException("the farm linked none of the media " + templateId + " lacks in "
                        + STALLED.toMinutes() + " minutes; the orchestrator's log says why");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * Whether what the entry waits for is still rendering (the preview's job has not ended); a
     * cover's still or the preview that failed ends the wait, saying why.
     */
    private static boolean rendering(JobClient jobs, CatalogEntry entry, Instant asked, Optional<String> previewJob) {
        String templateId = entry.getTemplateId();
        failedStill(jobs, entry, asked).ifPresent(job -> {
            throw new IllegalStateException("a cover still of " + templateId + " failed (job " + job.getId()
                    + (job.getError().isEmpty() ? ")" : "): " + job.getError()));
        });
        if (previewJob.isEmpty()) {
            return false;
        }
        Job job = jobs.get(previewJob.get(), false);
        if (job.getState() == JobState.JOB_STATE_FAILED || job.getState() == JobState.JOB_STATE_CANCELLED) {
            throw new IllegalStateException("the preview job " + job.getId() + " of " + templateId + " ended "
                    + job.getState() + (job.getError().isEmpty() ? "" : ": " + job.getError()));
        }
        return job.getState() != JobState.JOB_STATE_SUCCEEDED;
    }

    /** RenderCatalogMedia; while the farm renders as many templates' media as it does at once, again a little later. */
    private RenderCatalogMediaResponse ask(String templateId) throws InterruptedException {
        long deadline = System.nanoTime() + BUSY.toNanos();
        while (true) {
            try {
                return CatalogServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .renderCatalogMedia(RenderCatalogMediaRequest.newBuilder()
                                .setTemplateId(templateId)
                                .build());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.RESOURCE_EXHAUSTED || System.nanoTime() > deadline) {
                    throw e;
                }
                progress.printf("  %s: waiting: %s%n", templateId, e.getStatus().getDescription());
                progress.flush();
                Thread.sleep(BUSY_POLL.toMillis());
            }
        }
    }

    private CatalogEntry entry(String templateId) {
        return CatalogServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .getCatalogEntry(GetCatalogEntryRequest.newBuilder()
                        .setTenantId(tenant)
                        .setTemplateId(templateId)
                        .build());
    }

    /** Whether the entry has a cover per aspect and its preview, of its version. */
    private static boolean complete(CatalogEntry entry) {
        int version = entry.getTemplateVersion();
        for (TemplateAspect aspect : entry.getAspectsList()) {
            boolean has = entry.getMediaList().stream()
                    .anyMatch(m -> m.getKind().equals("cover")
                            && m.getAspect().equals(aspect.getAspect())
                            && m.getTemplateVersion() == version);
            if (!has) {
                return false;
            }
        }
        return entry.getAspectsCount() == 0
                || entry.getMediaList().stream()
                        .anyMatch(m -> m.getKind().equals("preview") && m.getTemplateVersion() == version);
    }

    /** A one-frame job of the template's tenant (a cover's still) that failed since the media were asked for. */
    private static Optional<Job> failedStill(JobClient jobs, CatalogEntry entry, Instant since) {
        return jobs
                .list(ListJobsRequest.newBuilder()
                        .setTenantId(entry.getTenantId())
                        .setTemplateId(entry.getTemplateId())
                        .addStates(JobState.JOB_STATE_FAILED)
                        .setCreatedSince(Timestamp.newBuilder()
                                .setSeconds(since.getEpochSecond())
                                .setNanos(since.getNano()))
                        .build())
                .getJobsList()
                .stream()
                .filter(job -> job.getTemplateVersion() == entry.getTemplateVersion()
                        && job.getFrames().getStart() == job.getFrames().getEnd())
                .findFirst();
    }

    private void report(String templateId, CatalogMedia media, long started) {
        double seconds = (System.nanoTime() - started) / 1e9;
        if (media.getKind().equals("cover")) {
            progress.printf(
                    Locale.ROOT,
                    "  %s: cover %s %dx%d, %d KB, linked in %.1f s%n",
                    templateId,
                    media.getAspect(),
                    media.getWidth(),
                    media.getHeight(),
                    media.getSizeBytes() / 1024,
                    seconds);
        } else {
            progress.printf(
                    Locale.ROOT,
                    "  %s: preview %dx%d, %d frames, %d KB in %.1f s%n",
                    templateId,
                    media.getWidth(),
                    media.getHeight(),
                    media.getFrameCount(),
                    media.getSizeBytes() / 1024,
                    seconds);
        }
        progress.flush();
    }
}
