package ir.flatrender.orchestrator.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors;
import ir.flatrender.orchestrator.OrchestratorConfig;
import ir.flatrender.orchestrator.scheduling.SchedulerConfig;
import ir.flatrender.proto.farm.v1.CommonProto;
import ir.flatrender.proto.farm.v1.NodeProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The contract page (deploy/NODE-CONTRACT.md) and node.proto's comments say what the code does. */
class NodeContractDocTest {
    private static final Path PAGE = Path.of("..", "deploy", "NODE-CONTRACT.md");
    private static final Path PROTO =
            Path.of("..", "proto", "src", "main", "proto", "flatrender", "farm", "v1", "node.proto");

    @Test
    @DisplayName("the page names every message and field of node.proto")
    void thePageNamesEveryMessageAndFieldOfTheNodeProto() throws Exception {
        String page = Files.readString(PAGE);
        List<String> missing = new ArrayList<>();
        for (Descriptors.Descriptor message : NodeProto.getDescriptor().getMessageTypes()) {
            if (!page.contains("`" + message.getName() + "`")) {
                missing.add(message.getName());
            }
            for (Descriptors.FieldDescriptor field : message.getFields()) {
                if (!page.contains("`" + field.getName() + "`")) {
                    missing.add(message.getName() + "." + field.getName());
                }
            }
        }
        for (Descriptors.Descriptor message : List.of(
                CommonProto.getDescriptor().findMessageTypeByName("ChunkRef"),
                CommonProto.getDescriptor().findMessageTypeByName("OutputSpec"))) {
            if (!page.contains("`" + message.getName() + "`")) {
                missing.add(message.getName());
            }
        }
        assertThat(missing).as("named nowhere in " + PAGE).isEmpty();
    }

    @Test
    @DisplayName("the page's and the proto's figures are the code's")
    void theFiguresAreTheCodes() throws Exception {
        String page = Files.readString(PAGE);
        String proto = Files.readString(PROTO);
        String base = String.format(Locale.ROOT, "%.1f s + f / fps", SegmentVerifier.MPEG_TS_BASE_SECONDS);
        assertThat(page).contains("**" + base.replace(" + f / fps", "") + " + f / fps**");
        assertThat(proto)
                .contains(String.format(Locale.ROOT, "%.1f s + f / fps", SegmentVerifier.MPEG_TS_BASE_SECONDS));
        assertThat(SegmentUploads.MAX_PART_BYTES).isEqualTo(1 << 20);
        assertThat(page).contains("at most **1 MiB** each");
        assertThat(proto).contains("at most\n// 1 MiB each");
        SchedulerConfig scheduler = SchedulerConfig.defaults();
        assertThat(page)
                .contains("`heartbeat_interval_millis` ("
                        + scheduler.heartbeatInterval().toSeconds() + " s by default)")
                .contains("`lease_timeout_millis` (" + scheduler.leaseTimeout().toSeconds() + " s by default)")
                .contains("**lease timeout** (" + scheduler.leaseTimeout().toSeconds() + " s by default)");
        long maxSegment = OrchestratorConfig.defaults(Path.of("."), "x".repeat(64))
                .limits()
                .maxSegmentSize()
                .toBytes();
        assertThat(page).contains("(" + (maxSegment >> 30) + " GiB by default)");
        assertThat(proto).contains("(" + (maxSegment >> 30) + " GiB by default)");
        for (String tag :
                List.of("-colorspace bt709", "-color_primaries bt709", "-color_trc bt709", "-color_range tv")) {
            assertThat(page).contains(tag);
            assertThat(proto).contains(tag);
        }
    }
}
