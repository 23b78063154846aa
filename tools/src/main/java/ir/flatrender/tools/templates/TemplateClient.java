package ir.flatrender.tools.templates;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import ir.flatrender.proto.farm.v1.GetTemplateRequest;
import ir.flatrender.proto.farm.v1.ListTemplatesRequest;
import ir.flatrender.proto.farm.v1.PushTemplateResponse;
import ir.flatrender.proto.farm.v1.Template;
import ir.flatrender.proto.farm.v1.TemplateServiceGrpc;
import ir.flatrender.proto.farm.v1.TemplateUpload;
import ir.flatrender.proto.farm.v1.TemplateUploadHeader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** The client side of the template service, every call with a deadline. */
public final class TemplateClient {
    private static final int PART_BYTES = 1 << 20;

    private final Channel channel;
    private final Duration deadline;

    public TemplateClient(Channel channel, Duration deadline) {
        this.channel = requireNonNull(channel, "channel is null");
        this.deadline = requireNonNull(deadline, "deadline is null");
    }

    public List<Template> list(String engine) {
        return TemplateServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .listTemplates(
                        ListTemplatesRequest.newBuilder().setEngine(engine).build())
                .getTemplatesList();
    }

    public Template get(String id, int version) {
        return TemplateServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .getTemplate(GetTemplateRequest.newBuilder()
                        .setTemplateId(id)
                        .setVersion(version)
                        .build());
    }

    /** The template's catalog entry as the tenant (empty: the default tenant) sees it. */
    public ir.flatrender.proto.farm.v1.CatalogEntry catalogEntry(String id, String tenantId) {
        return ir.flatrender.proto.farm.v1.CatalogServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .getCatalogEntry(ir.flatrender.proto.farm.v1.GetCatalogEntryRequest.newBuilder()
                        .setTemplateId(id)
                        .setTenantId(tenantId)
                        .build());
    }

    /** The catalog as the tenant (empty: the default tenant) sees it. */
    public ir.flatrender.proto.farm.v1.ListCatalogResponse catalog(String tenantId) {
        return ir.flatrender.proto.farm.v1.CatalogServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .listCatalog(ir.flatrender.proto.farm.v1.ListCatalogRequest.newBuilder()
                        .setTenantId(tenantId)
                        .build());
    }

    /** Uploads a package zip, a part at a time as the call takes them. */
    public PushTemplateResponse push(byte[] zip, String tenantId) throws InterruptedException {
        CompletableFuture<PushTemplateResponse> result = new CompletableFuture<>();
        TemplateServiceGrpc.newStub(channel)
                .withDeadlineAfter(Math.max(deadline.toMillis(), TimeUnit.MINUTES.toMillis(10)), TimeUnit.MILLISECONDS)
                .pushTemplate(new ClientResponseObserver<TemplateUpload, PushTemplateResponse>() {
                    private int offset = -1;
                    private boolean done;

                    @Override
                    public void beforeStart(ClientCallStreamObserver<TemplateUpload> call) {
                        // Runs on the channel's callback thread: parts come from memory, so
                        // nothing here blocks.
                        call.setOnReadyHandler(() -> {
                            while (call.isReady() && offset < zip.length) {
                                if (offset < 0) {
                                    call.onNext(TemplateUpload.newBuilder()
                                            .setHeader(TemplateUploadHeader.newBuilder()
                                                    .setSizeBytes(zip.length)
                                                    .setTenantId(tenantId))
                                            .build());
                                    offset = 0;
                                    continue;
                                }
                                int length = Math.min(PART_BYTES, zip.length - offset);
                                call.onNext(TemplateUpload.newBuilder()
                                        .setData(ByteString.copyFrom(zip, offset, length))
                                        .build());
                                offset += length;
                            }
                            if (!done && offset >= zip.length) {
                                done = true;
                                call.onCompleted();
                            }
                        });
                    }

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
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }
}
