package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.migrations.Database;
import ir.flatrender.orchestrator.storage.S3BlobStore;
import ir.flatrender.orchestrator.testing.TestingS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Disabled;

/**
 * Issue 23: the chaos run ({@link ChaosRun}) with blobs in an S3-compatible object store (S3Proxy
 * in a process of its own): the orchestrator killed mid-upload, restarted, still finds every
 * accepted segment there, and the job ends frame-identical to a clean run.
 */
@Disabled("issue 23, open: failed 3 of 9 runs (1 in CI) before ChaosRun waited for the killed node's loss: after"
        + " chaos-1's SIGKILL its stream's end was logged but its attempt never recorded node_lost, and no upload"
        + " completed until the orchestrator was killed. Since ChaosRun waits up to 10 s for that loss before"
        + " restarting the node (writing orchestrator-threads.txt if it does not come), 11 runs in a row passed, but"
        + " the wait may only hide a race with the node's quick return; see the closing notes of sessions 15 and 16")
class ChaosS3IT extends ChaosRun {
    private TestingS3 server;

    @Override
    Store store(Path folder) throws Exception {
        server = TestingS3.start(Files.createDirectories(folder.resolve("s3")));
        return new Store(
                List.of("--s3-endpoint", server.endpoint().toString(), "--s3-bucket", "chaos", "--s3-prefix", "farm"),
                Map.of(
                        "FLATRENDER_S3_ACCESS_KEY", server.accessKey(),
                        "FLATRENDER_S3_SECRET_KEY", server.secretKey()),
                server);
    }

    /**
     * The export is in the bucket, its size the one recorded; the accepted segments were there
     * and are gone once the export was written (the assembly's clean-up); none of it on disk.
     */
    @Override
    void storeChecks(Database db, Path orchestratorData, String jobId) throws Exception {
        try (S3BlobStore bucket = S3BlobStore.open(server.settings("chaos", "farm"))) {
            int[] recorded = TestingS3.assertJobBlobs(db.jdbi(), bucket, jobId);
            assertThat(recorded[0]).as("segments recorded").isPositive();
            assertThat(recorded[1]).as("exports recorded").isPositive();
        }
        assertThat(orchestratorData.resolve("blobs"))
                .as("no blob on the orchestrator's disk")
                .doesNotExist();
    }
}
