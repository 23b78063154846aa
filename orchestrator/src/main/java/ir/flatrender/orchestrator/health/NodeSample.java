package ir.flatrender.orchestrator.health;

/**
 * One resource sample of a node, as its heartbeat reported it; a field the node did not measure
 * is null.
 */
public record NodeSample(
        double cpuLoad,
        Double loadAverage,
        Long memoryUsedBytes,
        Long memoryTotalBytes,
        Long diskFreeBytes,
        Double gpuLoad,
        Long gpuMemoryUsedBytes,
        int running) {}
