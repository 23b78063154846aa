package ir.flatrender.tools.farm;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The chaos run ({@link ChaosRun}) with blobs under the orchestrator's data directory. */
class ChaosIT extends ChaosRun {
    @Override
    Store store(Path folder) {
        return new Store(List.of(), Map.of(), () -> {});
    }
}
