package ir.flatrender.tools.options;

import ir.flatrender.media.config.DataSize;
import ir.flatrender.orchestrator.storage.S3Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the orchestrator keeps its blobs: under the data directory (the default), or in a bucket
 * of an S3-compatible object store shared by every orchestrator of the farm. The keys come from
 * the environment, never the command line (where {@code ps} shows them).
 */
public final class ObjectStoreOptions {
    static final String ACCESS_KEY = "FLATRENDER_S3_ACCESS_KEY";
    static final String SECRET_KEY = "FLATRENDER_S3_SECRET_KEY";

    @Option(
            names = "--s3-endpoint",
            description = "Keep blobs (templates, segments, exports) in an S3-compatible object store at this URL"
                    + " (http or https, addressed path-style), in --s3-bucket; keys from env " + ACCESS_KEY + " and "
                    + SECRET_KEY + ", else the AWS default chain. Without it, blobs live under the data directory.")
    String endpoint;

    @Option(names = "--s3-bucket", description = "The bucket, with --s3-endpoint; made when missing.")
    String bucket;

    @Option(
            names = "--s3-region",
            defaultValue = "us-east-1",
            description = "The signing region, with --s3-endpoint (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(
            names = "--s3-prefix",
            defaultValue = "",
            description = "A folder in the bucket for every key, with --s3-endpoint (default: none).")
    String prefix;

    @Option(
            names = "--s3-public-endpoint",
            description = "The store's URL as browsers reach it, for presigned downloads, when it differs from"
                    + " --s3-endpoint (default: --s3-endpoint).")
    String publicEndpoint;

    @Option(
            names = "--s3-part-size",
            defaultValue = "8m",
            converter = SizeConverter.class,
            description = "Multipart upload part size, and the most held in memory per upload (default:"
                    + " ${DEFAULT-VALUE}, at least 5m).")
    DataSize partSize;

    /** The object store these options name, if any; {@code environment} holds its keys. */
    public Optional<S3Settings> settings(Map<String, String> environment) {
        if (endpoint == null || endpoint.isBlank()) {
            if (bucket != null) {
                throw new IllegalArgumentException("--s3-bucket needs --s3-endpoint");
            }
            return Optional.empty();
        }
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("--s3-endpoint needs --s3-bucket");
        }
        URI uri = url("--s3-endpoint", endpoint);
        Optional<URI> browsers = publicEndpoint == null || publicEndpoint.isBlank()
                ? Optional.empty()
                : Optional.of(url("--s3-public-endpoint", publicEndpoint));
        Optional<String> access =
                Optional.ofNullable(environment.get(ACCESS_KEY)).filter(s -> !s.isBlank());
        Optional<String> secret =
                Optional.ofNullable(environment.get(SECRET_KEY)).filter(s -> !s.isBlank());
        if (access.isPresent() != secret.isPresent()) {
            throw new IllegalArgumentException(ACCESS_KEY + " and " + SECRET_KEY + " go together");
        }
        try {
            return Optional.of(new S3Settings(uri, region, bucket, prefix, access, secret, partSize, browsers));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--s3-*: " + e.getMessage(), e);
        }
    }

    private static URI url(String option, String text) {
        try {
            return new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(option + " is not a URL: " + e.getMessage());
        }
    }
}
