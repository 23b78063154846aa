package ir.flatrender.tools.farm;

import java.nio.file.Path;

/** The chaos run ({@link ChaosRun}) with blobs under the orchestrator's data directory. */
class ChaosIT extends ChaosRun {
    @Override
    FarmBlobs blobs(Path folder) {
        return FarmBlobs.dataDirectory();
    }
}
