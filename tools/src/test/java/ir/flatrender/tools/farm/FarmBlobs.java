package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.orchestrator.storage.S3BlobStore;
import ir.flatrender.orchestrator.testing.TestingS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Where a test farm's orchestrator processes keep their blobs (template packages, accepted
 * segments, exports), so that one fault test runs with each store: under each orchestrator's data
 * directory (the embedded default), or in a bucket of an S3-compatible server (S3Proxy, in a
 * process of its own) that every orchestrator of the farm shares (issue 23).
 */
final class FarmBlobs implements AutoCloseable {
    private final Optional<TestingS3> server;
    private final String bucket;

    private FarmBlobs(Optional<TestingS3> server, String bucket) {
        this.server = server;
        this.bucket = bucket;
    }

    /** Blobs under each orchestrator's {@code --data-dir}. */
    static FarmBlobs dataDirectory() {
        return new FarmBlobs(Optional.empty(), "");
    }

    /** Blobs in {@code bucket} of an S3 server started now, its files under {@code folder}. */
    static FarmBlobs s3(Path folder, String bucket) throws Exception {
        return new FarmBlobs(Optional.of(TestingS3.start(Files.createDirectories(folder))), bucket);
    }

    /** An orchestrator's arguments for this store. */
    List<String> arguments() {
        return server.map(s3 -> List.of(
                        "--s3-endpoint", s3.endpoint().toString(), "--s3-bucket", bucket, "--s3-prefix", "farm"))
                .orElse(List.of());
    }

    /**
     * The data directory of one of a farm's orchestrators: with blobs in the data directory, the
     * one all of the farm's orchestrators share (as a shared filesystem); with S3, its own.
     */
    Path dataDirectory(Path folder, String orchestrator) {
        return folder.resolve(server.isPresent() ? orchestrator : "shared");
    }

    /** Gives the orchestrator the store's keys, in its environment (never on a command line). */
    void keys(OrchestratorProcess orchestrator) {
        server.ifPresent(s3 -> {
            orchestrator.environment("FLATRENDER_S3_ACCESS_KEY", s3.accessKey());
            orchestrator.environment("FLATRENDER_S3_SECRET_KEY", s3.secretKey());
        });
    }

    /**
     * After a job ended: with the S3 store, its export is in the bucket at the size recorded, its
     * accepted segments were there and are gone (the assembly's clean-up), and no orchestrator
     * kept a blob on its disk. Nothing for the data directory store: its blobs are read where the
     * test compares frames or downloads the export.
     */
    void assertJobStored(Jdbi jdbi, String jobId, Path... orchestratorData) throws Exception {
        if (server.isEmpty()) {
            return;
        }
        try (S3BlobStore store = S3BlobStore.open(server.get().settings(bucket, "farm"))) {
            int[] recorded = TestingS3.assertJobBlobs(jdbi, store, jobId);
            assertThat(recorded[0]).as("segments recorded").isPositive();
            assertThat(recorded[1]).as("exports recorded").isPositive();
        }
        for (Path data : orchestratorData) {
            assertThat(data.resolve("blobs"))
                    .as("no blob on the orchestrator's disk")
                    .doesNotExist();
        }
    }

    @Override
    public void close() {
        server.ifPresent(TestingS3::close);
    }
}
