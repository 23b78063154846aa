package ir.flatrender.orchestrator.snapshots;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.orchestrator.events.DomainEvents;
import ir.flatrender.orchestrator.jobs.AssemblyDao;
import ir.flatrender.orchestrator.jobs.FarmEvent;
import ir.flatrender.orchestrator.jobs.JobCache;
import ir.flatrender.orchestrator.jobs.JobDao;
import ir.flatrender.orchestrator.jobs.JobEvents;
import ir.flatrender.orchestrator.jobs.JobKind;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.jobs.JobState;
import ir.flatrender.orchestrator.jobs.JobTransitions;
import ir.flatrender.orchestrator.jobs.Output;
import ir.flatrender.orchestrator.jobs.SegmentRow;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.storage.BlobWriter;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps rendered stills: files the snapshot jobs upload become cache entries, and the cache is
 * held under its byte budget by dropping the least recently used.
 */
public final class SnapshotStore {
    private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);
    private static final String[] ASSEMBLING = JobState.dbNames(JobTransitions.from(JobTransitions.Event.ASSEMBLED));
    private static final String[] FAILABLE = JobState.dbNames(JobTransitions.from(JobTransitions.Event.FAILED));

    private final Jdbi jdbi;
    private final BlobStore blobs;
    private final ObjectMapper json;
    private final long budgetBytes;

    public SnapshotStore(Jdbi jdbi, BlobStore blobs, ObjectMapper json, long budgetBytes) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.json = requireNonNull(json, "json is null");
        this.budgetBytes = budgetBytes;
    }

    public static String blobKey(String cacheKey, String format) {
        return "snapshots/" + cacheKey.substring(0, 2) + "/" + cacheKey + (format.equals("png") ? ".png" : ".jpg");
    }

    /** The cache key of a snapshot job, from what the job records. */
    public String key(JobRow job) {
        Output output = job.primaryOutput();
        return SnapshotKey.of(
                json,
                job.templateId(),
                job.templateVersion(),
                job.engine(),
                job.aspect(),
                job.frameStart(),
                output.tier(),
                output.format(),
                job.bindings());
    }

    /** Completes each snapshot job whose still was uploaded, and tells its watchers. */
    public void subscribeTo(DomainEvents events, JobCache jobs, JobEvents watchers) {
        events.subscribe(FarmEvent.ReadyToAssemble.class, event -> {
            if (event.kind() == JobKind.SNAPSHOT) {
                complete(event.jobId());
                jobs.evict(event.jobId());
                watchers.publish(event.jobId());
            }
        });
    }

    /** A snapshot job's still was uploaded: it enters the cache and the job succeeds. */
    public void complete(UUID jobId) {
        JobRow job = jdbi.withExtension(JobDao.class, dao -> dao.findJob(jobId)).orElseThrow();
        try {
            List<SegmentRow> files = jdbi.withExtension(AssemblyDao.class, dao -> dao.listSegments(jobId));
            SegmentRow still = files.stream()
                    .filter(f -> f.tier().equals(job.tier()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("the snapshot job uploaded no still"));
            Output output = job.primaryOutput();
            String cacheKey = key(job);
            String blobKey = blobKey(cacheKey, output.format());
            try (InputStream in = blobs.open(still.blobKey(), 0);
                    BlobWriter writer = blobs.create(blobKey)) {
                in.transferTo(writer.stream());
                writer.commit();
            }
            jdbi.useTransaction(handle -> {
                handle.attach(SnapshotDao.class)
                        .insert(new SnapshotRow(
                                cacheKey,
                                jobId,
                                job.templateId(),
                                job.templateVersion(),
                                job.engine(),
                                job.aspect(),
                                job.frameStart(),
                                output.tier(),
                                output.format(),
                                output.width(),
                                output.height(),
                                blobKey,
                                still.sizeBytes(),
                                0,
                                Instant.now(),
                                Instant.now()));
                handle.attach(JobDao.class).finishJob(jobId, ASSEMBLING, JobState.SUCCEEDED.dbName(), null);
            });
            blobs.deleteTree("segments/" + jobId);
            enforceBudget(cacheKey);
        } catch (IOException | RuntimeException e) {
            log.error("snapshot job {} could not be stored: {}", jobId, e.getMessage(), e);
            jdbi.useExtension(
                    JobDao.class,
                    dao -> dao.finishJob(
                            jobId, FAILABLE, JobState.FAILED.dbName(), "storing the still failed: " + e.getMessage()));
        }
    }

    /** The cached still of a key, counting the hit; empty on a miss. */
    public java.util.Optional<Cached> lookup(String cacheKey) {
        return read(jdbi.withExtension(SnapshotDao.class, dao -> dao.hit(cacheKey)));
    }

    /** The still a snapshot job just made, for its caller: not a hit. */
    public java.util.Optional<Cached> made(String cacheKey) {
        return read(jdbi.withExtension(SnapshotDao.class, dao -> dao.find(cacheKey)));
    }

    private java.util.Optional<Cached> read(java.util.Optional<SnapshotRow> found) {
        return found.map(row -> {
            String cacheKey = row.cacheKey();
            try (InputStream in = blobs.open(row.blobKey(), 0)) {
                return new Cached(row, in.readAllBytes());
            } catch (IOException e) {
                // The file went missing (a cleaned disk): forget the entry and render again.
                jdbi.useExtension(SnapshotDao.class, dao -> dao.delete(cacheKey));
                return null;
            }
        });
    }

    /** Drops a key's cached still (its row, then its file), so that the next request renders it. */
    public void forget(String cacheKey) {
        java.util.Optional<SnapshotRow> row = jdbi.withExtension(SnapshotDao.class, dao -> dao.find(cacheKey));
        if (row.isPresent() && jdbi.withExtension(SnapshotDao.class, dao -> dao.delete(cacheKey)) == 1) {
            try {
                blobs.delete(row.get().blobKey());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("could not delete the cached still " + cacheKey, e);
            }
            log.info("snapshot {} dropped from the cache, to be rendered again", cacheKey);
        }
    }

    /** A cached still and its row. */
    public record Cached(SnapshotRow row, byte[] image) {}

    /** What a purge removed. */
    public record Purged(int deleted, long bytes) {}

    /** Deletes the cached stills of a template (or all), optionally only those not served since a time. */
    public Purged purge(java.util.Optional<String> templateId, java.util.Optional<java.time.Instant> unusedSince)
            throws IOException {
        List<SnapshotRow> deleted = jdbi.withExtension(
                SnapshotDao.class, dao -> dao.purge(templateId.orElse(null), unusedSince.orElse(null)));
        long bytes = 0;
        for (SnapshotRow row : deleted) {
            blobs.delete(row.blobKey());
            bytes += row.sizeBytes();
        }
        log.info("{} snapshot(s) purged, {} bytes", deleted.size(), bytes);
        return new Purged(deleted.size(), bytes);
    }

    /**
     * Drops the least recently used stills until the cache fits its budget, sparing the one
     * just made (its caller is about to read it): the cache holds its budget plus one still.
     */
    private void enforceBudget(String keep) throws IOException {
        long total = jdbi.withExtension(SnapshotDao.class, SnapshotDao::totalBytes);
        while (total > budgetBytes) {
            List<SnapshotRow> oldest = jdbi.withExtension(SnapshotDao.class, dao -> dao.leastRecentlyUsed(32));
            if (oldest.isEmpty()) {
                return;
            }
            if (oldest.stream().allMatch(row -> row.cacheKey().equals(keep))) {
                return;
            }
            for (SnapshotRow row : oldest) {
                if (total <= budgetBytes) {
                    return;
                }
                if (row.cacheKey().equals(keep)) {
                    continue;
                }
                if (jdbi.withExtension(SnapshotDao.class, dao -> dao.delete(row.cacheKey())) == 1) {
                    blobs.delete(row.blobKey());
                    total -= row.sizeBytes();
                    log.debug("snapshot {} evicted to keep the cache under {} bytes", row.cacheKey(), budgetBytes);
                }
            }
        }
    }
}
