package ir.flatrender.tools.farm;

import java.nio.file.Path;

/**
 * Issue 23: two orchestrators ({@link TwoOrchestratorsRun}) keeping their blobs in one bucket of
 * an S3-compatible server (S3Proxy, in a process of its own), each with a data directory of its
 * own: a segment one accepted is assembled by the other, the survivor of a SIGKILL finishes the
 * other's job from the bucket, and no blob is on either's disk.
 */
class TwoOrchestratorsS3IT extends TwoOrchestratorsRun {
    @Override
    FarmBlobs blobs(Path folder) throws Exception {
        return FarmBlobs.s3(folder.resolve("s3"), "two-orchestrators");
    }
}
