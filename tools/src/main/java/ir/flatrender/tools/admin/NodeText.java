package ir.flatrender.tools.admin;

import ir.flatrender.proto.farm.v1.CredentialRole;
import ir.flatrender.proto.farm.v1.ResourceSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How {@link NodesCommand} writes credentials' roles and nodes' resource samples. */
final class NodeText {
    private static final double GIB = 1L << 30;

    private NodeText() {}

    /** The role as typed on the command line (the revoke flags, the credentials table). */
    static String roleName(CredentialRole role) {
        return switch (role) {
            case CREDENTIAL_ROLE_NODE -> "node";
            case CREDENTIAL_ROLE_GATEWAY -> "gateway";
            case CREDENTIAL_ROLE_CONSOLE -> "console";
            case CREDENTIAL_ROLE_UNSPECIFIED, UNRECOGNIZED -> "?";
        };
    }

    /** One line: CPU, load, memory, disk and GPU, the unmeasured left out. */
    static String resources(ResourceSample sample) {
        List<String> parts = new ArrayList<>();
        parts.add(String.format(Locale.ROOT, "cpu %.0f%%", sample.getCpuLoad() * 100));
        if (sample.getLoadAverage() >= 0) {
            parts.add(String.format(Locale.ROOT, "load %.2f", sample.getLoadAverage()));
        }
        if (sample.getMemoryTotalBytes() > 0) {
            parts.add(String.format(
                    Locale.ROOT,
                    "memory %.1f/%.1f GiB",
                    sample.getMemoryUsedBytes() / GIB,
                    sample.getMemoryTotalBytes() / GIB));
        }
        if (sample.getDiskFreeBytes() > 0) {
            parts.add(String.format(Locale.ROOT, "disk free %.1f GiB", sample.getDiskFreeBytes() / GIB));
        }
        if (sample.getGpuPresent()) {
            parts.add(String.format(
                    Locale.ROOT,
                    "gpu %.0f%% (%.1f GiB)",
                    sample.getGpuLoad() * 100,
                    sample.getGpuMemoryUsedBytes() / GIB));
        }
        return String.join(", ", parts);
    }
}
