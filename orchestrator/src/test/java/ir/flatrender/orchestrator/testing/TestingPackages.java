package ir.flatrender.orchestrator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import ir.flatrender.proto.farm.v1.PushTemplateResponse;
import ir.flatrender.proto.farm.v1.TemplateServiceGrpc;
import ir.flatrender.proto.farm.v1.TemplateUpload;
import ir.flatrender.proto.farm.v1.TemplateUploadHeader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Template packages for tests: zipped from strings, pushed over gRPC, and read back from the blob store. */
public final class TestingPackages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestingPackages() {}

    /** Name, content, name, content, … in order. */
    public static Map<String, String> entries(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    public static byte[] zip(Map<String, String> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Pushes a zip as {@code flatrender templates push} does; a refusal is thrown as its status. */
    public static PushTemplateResponse push(Channel channel, byte[] zip, String tenantId) throws Exception {
        CompletableFuture<PushTemplateResponse> result = new CompletableFuture<>();
        StreamObserver<TemplateUpload> upload = TemplateServiceGrpc.newStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .pushTemplate(new StreamObserver<>() {
                    @Override
                    public void onNext(PushTemplateResponse response) {
                        result.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        result.completeExceptionally(error);
                    }

                    @Override
                    public void onCompleted() {}
                });
        upload.onNext(TemplateUpload.newBuilder()
                .setHeader(TemplateUploadHeader.newBuilder()
                        .setSizeBytes(zip.length)
                        .setTenantId(tenantId))
                .build());
        upload.onNext(
                TemplateUpload.newBuilder().setData(ByteString.copyFrom(zip)).build());
        upload.onCompleted();
        try {
            return result.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    /** The template.json of a package as the orchestrator stored it (its blob, by sha256). */
    public static JsonNode storedManifest(Path dataDirectory, String packageSha256) throws IOException {
        Path zip = dataDirectory.resolve("blobs").resolve("templates").resolve(packageSha256 + ".zip");
        try (ZipFile file = new ZipFile(zip.toFile());
                InputStream in = file.getInputStream(file.getEntry("template.json"))) {
            return JSON.readTree(in);
        }
    }

    /** The file names of a package as the orchestrator stored it. */
    public static java.util.List<String> storedFiles(Path dataDirectory, String packageSha256) throws IOException {
        Path zip = dataDirectory.resolve("blobs").resolve("templates").resolve(packageSha256 + ".zip");
        try (ZipFile file = new ZipFile(zip.toFile())) {
            return file.stream().map(ZipEntry::getName).toList();
        }
    }
}
