package ir.flatrender.tools.farm;

import java.nio.file.Path;

/** Two orchestrators ({@link TwoOrchestratorsRun}) keeping their blobs in one data directory they share. */
class TwoOrchestratorsIT extends TwoOrchestratorsRun {
    @Override
    FarmBlobs blobs(Path folder) {
        return FarmBlobs.dataDirectory();
    }
}
