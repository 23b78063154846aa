package ir.flatrender.orchestrator;

import ir.flatrender.orchestrator.api.CatalogServiceImpl;
import ir.flatrender.orchestrator.catalog.CatalogMediaConfig;
import ir.flatrender.orchestrator.catalog.CatalogMediaRenders;
import ir.flatrender.orchestrator.catalog.TemplateCatalogView;
import ir.flatrender.orchestrator.jobs.JobEndWait;
import ir.flatrender.orchestrator.jobs.JobSubmitter;
import ir.flatrender.orchestrator.snapshots.SnapshotService;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.storage.BlobStreamer;
import org.jdbi.v3.core.Jdbi;

/** The composition root's catalog part: the catalog service, and the farm's own renders of its media. */
final class CatalogParts {
    private CatalogParts() {}

    static CatalogServiceImpl service(
            Jdbi jdbi,
            BlobStore blobs,
            BlobStreamer streamer,
            SnapshotService snapshots,
            JobSubmitter submitter,
            JobEndWait ends,
            Resources resources) {
        TemplateCatalogView catalog = new TemplateCatalogView(jdbi, blobs);
        CatalogMediaConfig config = CatalogMediaConfig.defaults();
        // A run holds a thread while its renders go on; the runs' own bound keeps them to this many.
        CatalogMediaRenders renders = new CatalogMediaRenders(
                catalog, snapshots, submitter, ends, resources.pool("catalog-media", config.maxRunning()), config);
        return new CatalogServiceImpl(catalog, streamer, renders);
    }
}
