package ir.flatrender.orchestrator.storage;

import static java.util.Objects.requireNonNull;

import ir.flatrender.media.config.DataSize;
import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where an {@link S3BlobStore} keeps blobs: any S3-compatible endpoint, addressed path-style.
 *
 * @param endpoint the server's base URL ({@code https://s3.example.ir}, {@code http://10.0.0.2:9000})
 * @param region the signing region (servers other than AWS accept any; {@code us-east-1} is usual)
 * @param bucket the bucket; made at start when missing
 * @param prefix a folder inside the bucket for every key (empty for none), so that farms may share one
 * @param accessKey the access key id, or empty for the SDK's default chain (environment, profile, role)
 * @param secretKey the secret key, with {@code accessKey}
 * @param partSize the size of each part of a multipart upload, and the most held in memory per upload
 * @param publicEndpoint the endpoint as browsers reach it, for presigned downloads, when it differs
 *     from {@code endpoint} (a farm that reaches its store on a private network)
 */
public record S3Settings(
        URI endpoint,
        String region,
        String bucket,
        String prefix,
        Optional<String> accessKey,
        Optional<String> secretKey,
        DataSize partSize,
        Optional<URI> publicEndpoint) {
    /** The least part size S3 accepts (all parts but the last). */
    public static final DataSize LEAST_PART = DataSize.ofMebibytes(5);

    public static final DataSize DEFAULT_PART = DataSize.ofMebibytes(8);

    /** S3's bucket naming rules, which every compatible server keeps. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public S3Settings {
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(region, "region is null");
        requireNonNull(bucket, "bucket is null");
        requireNonNull(prefix, "prefix is null");
        requireNonNull(accessKey, "accessKey is null");
        requireNonNull(secretKey, "secretKey is null");
        requireNonNull(partSize, "partSize is null");
        requireNonNull(publicEndpoint, "publicEndpoint is null");
        checkUrl("endpoint", endpoint);
        publicEndpoint.ifPresent(url -> checkUrl("public endpoint", url));
        if (!BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException(
                    "s3 bucket must be 3 to 63 lower-case letters, digits, dots and hyphens but was '" + bucket + "'");
        }
        if (region.isBlank()) {
            throw new IllegalArgumentException("s3 region must not be empty");
        }
        if (!prefix.isEmpty()) {
            BlobKeys.check(prefix);
        }
        if (accessKey.isPresent() != secretKey.isPresent()) {
            throw new IllegalArgumentException("s3 access key and secret key go together");
        }
        if (partSize.toBytes() < LEAST_PART.toBytes() || partSize.toBytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("s3 part size must be between 5 MiB and 2 GiB but was " + partSize);
        }
    }

    private static void checkUrl(String what, URI url) {
        String scheme = url.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || url.getHost() == null) {
            throw new IllegalArgumentException("s3 " + what + " must be an http or https URL but was " + url);
        }
    }

    /** Without the secret key: settings may be logged. */
    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", prefix=" + prefix
                + ", accessKey=" + accessKey.orElse("(default chain)") + ", secretKey="
                + (secretKey.isPresent() ? "(hidden)" : "(default chain)") + ", partSize=" + partSize
                + ", publicEndpoint=" + publicEndpoint.map(URI::toString).orElse("(endpoint)") + "]";
    }
}
