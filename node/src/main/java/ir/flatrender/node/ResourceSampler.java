package ir.flatrender.node;

import static java.util.Objects.requireNonNull;

import com.sun.management.OperatingSystemMXBean;
import ir.flatrender.node.health.GpuProbe;
import ir.flatrender.proto.farm.v1.ResourceSample;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the machine has left, for each heartbeat: CPU, memory, the work disk's free space, the GPU. */
final class ResourceSampler {
    private static final Logger log = LoggerFactory.getLogger(ResourceSampler.class);

    private final Path workDirectory;
    private final GpuProbe gpu;

    ResourceSampler(Path workDirectory, GpuProbe gpu) {
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
        this.gpu = requireNonNull(gpu, "gpu is null");
    }

    ResourceSample sample() {
        ResourceSample.Builder sample = ResourceSample.newBuilder();
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            sample.setCpuLoad(Math.max(0, os.getCpuLoad()))
                    .setMemoryTotalBytes(os.getTotalMemorySize())
                    .setMemoryUsedBytes(os.getTotalMemorySize() - os.getFreeMemorySize())
                    .setLoadAverage(os.getSystemLoadAverage());
        }
        try {
            sample.setDiskFreeBytes(Files.getFileStore(workDirectory).getUsableSpace());
        } catch (IOException e) {
            log.debug("could not read free disk space: {}", e.getMessage());
        }
        gpu.last()
                .ifPresent(reading -> sample.setGpuPresent(true)
                        .setGpuLoad(reading.load())
                        .setGpuMemoryUsedBytes(reading.memoryUsedBytes()));
        return sample.build();
    }
}
