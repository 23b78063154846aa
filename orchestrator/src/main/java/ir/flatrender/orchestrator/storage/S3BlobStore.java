package ir.flatrender.orchestrator.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Blobs in a bucket of an S3-compatible object store (AWS SDK for Java v2, path-style, any
 * endpoint), so that orchestrators on several hosts share one store.
 *
 * <ul>
 *   <li><b>Streaming.</b> A write holds at most one part in memory ({@link S3Settings#partSize}):
 *       a blob that fits in one part is one {@code PutObject}; a larger one is a multipart upload,
 *       each part sent as it fills. Reads stream the object's body, from any offset (a ranged
 *       {@code GetObject}).
 *   <li><b>Checksums.</b> Every request that carries bytes carries their {@code Content-MD5}, and
 *       the server refuses bytes that do not match it; the blob's sha256 is computed as it is
 *       written ({@link BlobWriter#sha256()}), kept by the caller (the segment's row, the
 *       package's key, the export's row) and checked by the callers that read a blob whole
 *       ({@code SegmentAudit}, the template catalog).
 *   <li><b>Atomic commit.</b> Nothing is visible under a key until {@link BlobWriter#commit()}
 *       (S3 makes an object visible whole, at the end of its {@code PutObject} or {@code
 *       CompleteMultipartUpload}); closing a writer without committing aborts its upload, and
 *       uploads abandoned by a crash are aborted at the next start once they are old.
 *   <li><b>Presigned downloads.</b> {@link #presignedDownload} answers a URL that lets its holder
 *       read one blob for a short while, so that downloads need not pass through the farm.
 * </ul>
 *
 * Thread-safe: the SDK's client is, and each writer belongs to one caller.
 */
public final class S3BlobStore implements BlobStore {
    private static final Logger log = LoggerFactory.getLogger(S3BlobStore.class);
    /** An upload not completed for this long was abandoned (as the file store's leftovers). */
    private static final Duration STALE_AFTER = Duration.ofHours(6);
    /** The most keys one {@code DeleteObjects} takes. */
    private static final int DELETE_BATCH = 1000;

    private final S3Settings settings;
    private final S3Client client;
    private final S3Presigner presigner;
    /** Whether the server takes {@code DeleteObjects}; cleared by the first 501 it answers. */
    private volatile boolean batchDeletes = true;

    private S3BlobStore(S3Settings settings, S3Client client, S3Presigner presigner) {
        this.settings = settings;
        this.client = client;
        this.presigner = presigner;
    }

    /**
     * Connects to the store: the bucket is made when missing, and uploads a crash left behind
     * are aborted.
     *
     * @throws IOException when the store cannot be reached or refuses the credentials
     */
    public static S3BlobStore open(S3Settings settings) throws IOException {
        requireNonNull(settings, "settings is null");
        AwsCredentialsProvider credentials = settings.accessKey().isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        settings.accessKey().get(), settings.secretKey().orElseThrow()))
                : DefaultCredentialsProvider.builder().build();
        S3Configuration s3 =
                S3Configuration.builder().pathStyleAccessEnabled(true).build();
        Region region = Region.of(settings.region());
        S3Client client = S3Client.builder()
                .endpointOverride(settings.endpoint())
                .region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(s3)
                // Each request's bytes are checked by their Content-MD5 (set here), which every
                // S3-compatible server checks; the newer trailing checksums are AWS's own and
                // servers such as S3Proxy refuse their streaming encoding.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // Requests that must carry a checksum (DeleteObjects) carry a Content-MD5 too.
                .addPlugin(LegacyMd5Plugin.create())
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(64)
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)))
                .build();
        S3Presigner presigner = S3Presigner.builder()
                .endpointOverride(settings.publicEndpoint().orElse(settings.endpoint()))
                .region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(s3)
                .build();
        S3BlobStore store = new S3BlobStore(settings, client, presigner);
        try {
            store.ensureBucket();
            store.abortStaleUploads();
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    private void ensureBucket() throws IOException {
        try {
            client.headBucket(b -> b.bucket(settings.bucket()));
        } catch (NoSuchBucketException e) {
            createBucket();
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw failure("bucket " + settings.bucket() + " at " + settings.endpoint(), e);
            }
            createBucket();
        } catch (SdkException e) {
            throw failure("bucket " + settings.bucket() + " at " + settings.endpoint(), e);
        }
    }

    private void createBucket() throws IOException {
        try {
            client.createBucket(b -> b.bucket(settings.bucket()));
            log.info("made bucket {} at {}", settings.bucket(), settings.endpoint());
        } catch (S3Exception e) {
            // Another orchestrator made it meanwhile.
            if (e.statusCode() != 409) {
                throw failure("making bucket " + settings.bucket(), e);
            }
        } catch (SdkException e) {
            throw failure("making bucket " + settings.bucket(), e);
        }
    }

    /**
     * Best effort: a server that cannot list uploads (or forbids it) still serves. Without a
     * prefix the whole bucket's old uploads go, other writers' too: give a shared bucket a prefix.
     */
    private void abortStaleUploads() {
        Instant before = Instant.now().minus(STALE_AFTER);
        String prefix = settings.prefix().isEmpty() ? null : settings.prefix() + "/";
        try {
            for (var page : client.listMultipartUploadsPaginator(
                    b -> b.bucket(settings.bucket()).prefix(prefix))) {
                for (MultipartUpload upload : page.uploads()) {
                    if (upload.initiated() != null && upload.initiated().isBefore(before)) {
                        client.abortMultipartUpload(b ->
                                b.bucket(settings.bucket()).key(upload.key()).uploadId(upload.uploadId()));
                        log.info("aborted an upload abandoned since {}: {}", upload.initiated(), upload.key());
                    }
                }
            }
        } catch (SdkException e) {
            log.warn("could not look for abandoned uploads in {} (they stay): {}", settings.bucket(), e.getMessage());
        }
    }

    /** The object's key in the bucket. */
    private String objectKey(String key) {
        BlobKeys.check(key);
        return settings.prefix().isEmpty() ? key : settings.prefix() + "/" + key;
    }

    @Override
    public BlobWriter create(String key) {
        return new S3BlobWriter(
                client, settings.bucket(), objectKey(key), settings.partSize().toIntBytes());
    }

    @Override
    public InputStream open(String key, long offset) throws IOException {
        return open(key, offset, -1);
    }

    /**
     * A ranged {@code GetObject} ({@code length} bytes, or to the end when negative). Closed
     * before its end, the stream aborts its connection rather than reading the rest to reuse it.
     */
    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        String object = objectKey(key);
        try {
            ResponseInputStream<GetObjectResponse> body = client.getObject(b -> {
                b.bucket(settings.bucket()).key(object);
                if (length > 0) {
                    b.range("bytes=" + offset + "-" + (offset + length - 1));
                } else if (offset > 0) {
                    b.range("bytes=" + offset + "-");
                }
            });
            return new S3ObjectStream(body);
        } catch (NoSuchKeyException e) {
            throw new java.nio.file.NoSuchFileException(describe(key));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new java.nio.file.NoSuchFileException(describe(key));
            }
            // A range that starts at the end of the blob: nothing left to read.
            if (e.statusCode() == 416 && size(key).orElse(-1L) == offset) {
                return InputStream.nullInputStream();
            }
            throw failure("reading " + describe(key), e);
        } catch (SdkException e) {
            throw failure("reading " + describe(key), e);
        }
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        String object = objectKey(key);
        try {
            return Optional.of(
                    client.headObject(b -> b.bucket(settings.bucket()).key(object))
                            .contentLength());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("looking up " + describe(key), e);
        } catch (SdkException e) {
            throw failure("looking up " + describe(key), e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        String object = objectKey(key);
        try {
            client.deleteObject(b -> b.bucket(settings.bucket()).key(object));
        } catch (SdkException e) {
            throw failure("deleting " + describe(key), e);
        }
    }

    @Override
    public void deleteTree(String prefix) throws IOException {
        String folder = objectKey(prefix) + "/";
        try {
            List<ObjectIdentifier> batch = new ArrayList<>();
            for (var page : client.listObjectsV2Paginator(
                    b -> b.bucket(settings.bucket()).prefix(folder))) {
                for (S3Object object : page.contents()) {
                    batch.add(ObjectIdentifier.builder().key(object.key()).build());
                    if (batch.size() == DELETE_BATCH) {
                        deleteBatch(batch);
                    }
                }
            }
            if (!batch.isEmpty()) {
                deleteBatch(batch);
            }
        } catch (SdkException e) {
            throw failure("deleting " + describe(prefix) + "/", e);
        }
    }

    private void deleteBatch(List<ObjectIdentifier> batch) throws IOException {
        if (!batchDeletes) {
            deleteOneByOne(batch);
            return;
        }
        software.amazon.awssdk.services.s3.model.DeleteObjectsResponse answer;
        try {
            answer = client.deleteObjects(b -> b.bucket(settings.bucket())
                    .delete(Delete.builder().objects(batch).quiet(true).build()));
        } catch (S3Exception e) {
            if (e.statusCode() != 501) {
                throw e;
            }
            // A server without multi-object delete (S3Proxy on some backends): one request each.
            log.info("the object store has no multi-object delete ({}); deleting one object a request", e.getMessage());
            batchDeletes = false;
            deleteOneByOne(batch);
            return;
        }
        batch.clear();
        if (answer.hasErrors() && !answer.errors().isEmpty()) {
            var first = answer.errors().get(0);
            throw new IOException(
                    "the object store did not delete " + answer.errors().size() + " object(s), e.g. " + first.key()
                            + ": " + first.code() + " " + first.message());
        }
    }

    private void deleteOneByOne(List<ObjectIdentifier> batch) {
        for (ObjectIdentifier object : batch) {
            client.deleteObject(b -> b.bucket(settings.bucket()).key(object.key()));
        }
        batch.clear();
    }

    @Override
    public String describe(String key) {
        return "s3://" + settings.bucket() + "/" + objectKey(key);
    }

    @Override
    public Optional<java.nio.file.Path> localPath(String key) {
        return Optional.empty();
    }

    @Override
    public Optional<URI> presignedDownload(String key, Duration validFor, String fileName) {
        String object = objectKey(key);
        software.amazon.awssdk.services.s3.presigner.model.PresignedGetObjectRequest request;
        try {
            request = presigner.presignGetObject(p -> p.signatureDuration(validFor)
                    .getObjectRequest(g -> g.bucket(settings.bucket())
                            .key(object)
                            .responseContentDisposition(ContentDisposition.attachment(fileName))));
        } catch (SdkException e) {
            throw new java.io.UncheckedIOException(failure("presigning " + describe(key), e));
        }
        try {
            return Optional.of(request.url().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("the SDK presigned a URL that is not a URI: " + request.url(), e);
        }
    }

    @Override
    public void close() {
        presigner.close();
        client.close();
    }

    static IOException failure(String what, SdkException e) {
        return new IOException("object store: " + what + ": " + e.getMessage(), e);
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }

    /** A {@code Content-Disposition} header value for a download under a file name. */
    static final class ContentDisposition {
        private ContentDisposition() {}

        static String attachment(String fileName) {
            String ascii = fileName.replaceAll("[^A-Za-z0-9._-]", "_");
            String encoded = java.net.URLEncoder.encode(fileName, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20");
            return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
        }
    }
}
