package ir.flatrender.tools.farm;

import java.nio.file.Path;

/**
 * Issue 23: the chaos run ({@link ChaosRun}) with blobs in an S3-compatible object store (S3Proxy
 * in a process of its own): the orchestrator killed mid-upload, restarted, still finds every
 * accepted segment there, and the job ends frame-identical to a clean run; the export is in the
 * bucket, none of it on the orchestrator's disk.
 */
class ChaosS3IT extends ChaosRun {
    @Override
    FarmBlobs blobs(Path folder) throws Exception {
        return FarmBlobs.s3(folder.resolve("s3"), "chaos");
    }
}
