package ir.flatrender.orchestrator.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One blob being written: bytes fill a part buffer; a full buffer becomes a part of a
 * multipart upload (started by the first), and the commit sends what is left as the last
 * part or, when the blob fit in one part, as a single {@code PutObject}.
 */
final class S3BlobWriter implements BlobWriter {
    private static final Logger log = LoggerFactory.getLogger(S3BlobWriter.class);
    private static final int FIRST_BUFFER = 64 * 1024;

    private final S3Client client;
    private final String bucket;
    private final String object;
    private final MessageDigest sha256 = S3BlobStore.digest("SHA-256");
    /** The part being filled: grown as bytes come (small blobs hold little), up to the part size. */
    private byte[] part;

    private final int partSize;
    private final List<CompletedPart> parts = new ArrayList<>();
    private final PartStream stream = new PartStream();
    private int filled;
    private long written;
    private String uploadId;
    private boolean committed;
    private boolean closed;

    S3BlobWriter(S3Client client, String bucket, String object, int partSize) {
        this.client = client;
        this.bucket = bucket;
        this.object = object;
        this.partSize = partSize;
        this.part = new byte[Math.min(partSize, FIRST_BUFFER)];
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    @Override
    public long written() {
        return written;
    }

    @Override
    public String sha256() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) sha256.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
        }
    }

    private void sendPart() throws IOException {
        try {
            if (uploadId == null) {
                uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key(object))
                        .uploadId();
            }
            int number = parts.size() + 1;
            String md5 = md5(part, filled);
            String etag = client.uploadPart(
                            b -> b.bucket(bucket)
                                    .key(object)
                                    .uploadId(uploadId)
                                    .partNumber(number)
                                    .contentMD5(md5)
                                    .contentLength((long) filled),
                            RequestBody.fromInputStream(new java.io.ByteArrayInputStream(part, 0, filled), filled))
                    .eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            filled = 0;
        } catch (SdkException e) {
            throw S3BlobStore.failure("uploading part " + (parts.size() + 1) + " of " + object, e);
        }
    }

    @Override
    public void commit() throws IOException {
        if (closed || committed) {
            throw new IllegalStateException("blob " + object + " was already " + (committed ? "committed" : "closed"));
        }
        try {
            if (uploadId == null) {
                String md5 = md5(part, filled);
                client.putObject(
                        b -> b.bucket(bucket).key(object).contentMD5(md5).contentLength((long) filled),
                        RequestBody.fromInputStream(new java.io.ByteArrayInputStream(part, 0, filled), filled));
            } else {
                if (filled > 0) {
                    sendPart();
                }
                client.completeMultipartUpload(b -> b.bucket(bucket)
                        .key(object)
                        .uploadId(uploadId)
                        .multipartUpload(
                                CompletedMultipartUpload.builder().parts(parts).build()));
            }
        } catch (SdkException e) {
            throw S3BlobStore.failure("storing " + object, e);
        }
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (!committed && uploadId != null) {
            try {
                client.abortMultipartUpload(b -> b.bucket(bucket).key(object).uploadId(uploadId));
            } catch (SdkException e) {
                // Aborted at a later start, once old.
                log.warn("could not abort the upload of {}: {}", object, e.toString());
            }
        }
    }

    private String md5(byte[] bytes, int length) {
        MessageDigest md5 = S3BlobStore.digest("MD5");
        md5.update(bytes, 0, length);
        return Base64.getEncoder().encodeToString(md5.digest());
    }

    /** Fills the part buffer, sending each full part on. */
    private final class PartStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
            if (closed || committed) {
                throw new IOException("blob " + object + " is no longer being written");
            }
            sha256.update(bytes, offset, length);
            written += length;
            while (length > 0) {
                if (filled == part.length && part.length < partSize) {
                    part = java.util.Arrays.copyOf(part, (int) Math.min(partSize, 2L * part.length));
                }
                int take = Math.min(length, part.length - filled);
                System.arraycopy(bytes, offset, part, filled, take);
                filled += take;
                offset += take;
                length -= take;
                if (filled == partSize) {
                    sendPart();
                }
            }
        }
    }
}
