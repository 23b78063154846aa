package ir.flatrender.orchestrator.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.orchestrator.failures.FailureKind;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A node's wire failure kind becomes the farm's at the stream's edge, by an explicit mapping. */
class FailureKindMappingTest {
    @Test
    void everyReportedKindMapsToTheFarmsKindOfTheSameName() {
        for (ir.flatrender.proto.farm.v1.FailureKind wire : ir.flatrender.proto.farm.v1.FailureKind.values()) {
            if (wire == ir.flatrender.proto.farm.v1.FailureKind.UNRECOGNIZED
                    || wire == ir.flatrender.proto.farm.v1.FailureKind.FAILURE_KIND_UNSPECIFIED
                    || wire == ir.flatrender.proto.farm.v1.FailureKind.FAILURE_KIND_CANCELLED) {
                continue;
            }
            assertThat(NodeEventHandler.kindOf(wire).name())
                    .as("%s", wire)
                    .isEqualTo(wire.name().substring("FAILURE_KIND_".length()));
        }
    }

    @Test
    void aKindTheFarmDoesNotKnowCountsAsACrash() {
        assertThat(NodeEventHandler.kindOf(ir.flatrender.proto.farm.v1.FailureKind.FAILURE_KIND_UNSPECIFIED))
                .isEqualTo(FailureKind.CRASH);
        assertThat(NodeEventHandler.kindOf(ir.flatrender.proto.farm.v1.FailureKind.UNRECOGNIZED))
                .isEqualTo(FailureKind.CRASH);
    }

    @Test
    void theNodesFaultsAndTheTemplatesAreTheKindsTheyWere() {
        assertThat(FailureKind.nodeFaultNames())
                .containsExactlyInAnyOrder(
                        "crash", "hang", "launch_failure", "bad_output", "out_of_memory", "node_lost", "lease_expired");
        assertThat(Arrays.stream(FailureKind.values())
                        .filter(FailureKind::deterministic)
                        .map(FailureKind::dbName))
                .containsExactlyInAnyOrder("crash", "launch_failure", "bad_output");
        assertThat(FailureKind.fromDb("upload_stalled")).isEqualTo(FailureKind.UPLOAD_STALLED);
    }
}
