package ir.flatrender.gateway.console;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.renders.GrpcCatalogFarm;
import ir.flatrender.proto.farm.v1.CatalogEntry;
import ir.flatrender.proto.farm.v1.CatalogServiceGrpc;
import ir.flatrender.proto.farm.v1.GetCatalogEntryRequest;
import ir.flatrender.proto.farm.v1.GetTemplateRequest;
import ir.flatrender.proto.farm.v1.ListTemplatesRequest;
import ir.flatrender.proto.farm.v1.PushTemplateResponse;
import ir.flatrender.proto.farm.v1.ReadCatalogMediaRequest;
import ir.flatrender.proto.farm.v1.RenderCatalogMediaRequest;
import ir.flatrender.proto.farm.v1.RenderCatalogMediaResponse;
import ir.flatrender.proto.farm.v1.ReviseTemplateRequest;
import ir.flatrender.proto.farm.v1.SetTemplateHiddenRequest;
import ir.flatrender.proto.farm.v1.Template;
import ir.flatrender.proto.farm.v1.TemplateServiceGrpc;
import ir.flatrender.proto.farm.v1.TemplateUpload;
import ir.flatrender.proto.farm.v1.TemplateUploadHeader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The farm's templates as the console's templates admin calls them, with the console's own
 * credential: the templates and their versions, a package pushed from an upload (streamed to
 * the orchestrator as it arrives, never held whole), hidden from the catalog, revised (engine,
 * compositions), and their catalog media rendered again.
 */
public final class ConsoleTemplates {
    /** The largest package taken from the console: the orchestrator's default limit. */
    public static final long MAX_PACKAGE_BYTES = 512L << 20;
    /** Uploads going to the farm at once from this gateway; the orchestrator takes two. */
    static final int MAX_CONCURRENT_PUSHES = 2;

    private static final int PART_BYTES = 256 << 10;
    private static final Duration PUSH_DEADLINE = Duration.ofMinutes(10);

    private final Channel channel;
    private final Duration deadline;
    private final Semaphore pushes = new Semaphore(MAX_CONCURRENT_PUSHES);

    public ConsoleTemplates(Channel channel, Duration deadline) {
        this.channel = requireNonNull(channel, "channel is null");
        this.deadline = requireNonNull(deadline, "deadline is null");
    }

    private TemplateServiceGrpc.TemplateServiceBlockingStub templates() {
        return TemplateServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private CatalogServiceGrpc.CatalogServiceBlockingStub catalog() {
        return CatalogServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every template's current version. */
    public List<Template> current() {
        return call(() -> templates()
                .listTemplates(ListTemplatesRequest.getDefaultInstance())
                .getTemplatesList());
    }

    /** Every version of a template, newest first. */
    public List<Template> versions(String templateId) {
        return call(() -> templates()
                .listTemplates(ListTemplatesRequest.newBuilder()
                        .setTemplateId(templateId)
                        .build())
                .getTemplatesList());
    }

    public Template get(String templateId, int version) {
        return call(() -> templates()
                .getTemplate(GetTemplateRequest.newBuilder()
                        .setTemplateId(templateId)
                        .setVersion(version)
                        .build()));
    }

    /** The template's catalog entry, when it has one. */
    public Optional<CatalogEntry> entry(String tenantId, String templateId) {
        try {
            return Optional.of(catalog()
                    .getCatalogEntry(GetCatalogEntryRequest.newBuilder()
                            .setTenantId(tenantId)
                            .setTemplateId(templateId)
                            .build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw ConsoleFarm.problem(e);
        }
    }

    public Template setHidden(String templateId, boolean hidden) {
        return call(() -> templates()
                .setTemplateHidden(SetTemplateHiddenRequest.newBuilder()
                        .setTemplateId(templateId)
                        .setHidden(hidden)
                        .build()));
    }

    public PushTemplateResponse revise(ReviseTemplateRequest request) {
        return call(() -> templates().reviseTemplate(request));
    }

    public RenderCatalogMediaResponse renderMedia(String templateId, boolean force) {
        return call(() -> catalog()
                .renderCatalogMedia(RenderCatalogMediaRequest.newBuilder()
                        .setTemplateId(templateId)
                        .setForce(force)
                        .build()));
    }

    /** Writes a catalog media blob's bytes to {@code out} as they arrive. */
    public void media(String tenantId, String sha256, OutputStream out) throws IOException {
        GrpcCatalogFarm.copy(
                () -> CatalogServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(PUSH_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                        .readCatalogMedia(ReadCatalogMediaRequest.newBuilder()
                                .setTenantId(tenantId)
                                .setSha256(sha256)
                                .build()),
                out,
                ConsoleFarm::problem);
    }

    /**
     * Pushes the zip read from {@code body} for {@code tenantId} (empty: the default tenant, the
     * pack), a part at a time as the farm is ready for it; more than {@link #MAX_PACKAGE_BYTES}
     * is refused without reading the rest.
     */
    public PushTemplateResponse push(InputStream body, long declaredBytes, String tenantId) throws IOException {
        if (!pushes.tryAcquire()) {
            throw Problem.tooMany(MAX_CONCURRENT_PUSHES + " template uploads are in progress; try again shortly", 10);
        }
        try {
            return send(body, declaredBytes, tenantId);
        } finally {
            pushes.release();
        }
    }

    private PushTemplateResponse send(InputStream body, long declaredBytes, String tenantId) throws IOException {
        CompletableFuture<PushTemplateResponse> result = new CompletableFuture<>();
        Object ready = new Object();
        CompletableFuture<ClientCallStreamObserver<TemplateUpload>> started = new CompletableFuture<>();
        TemplateServiceGrpc.newStub(channel)
                .withDeadlineAfter(PUSH_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .pushTemplate(new ClientResponseObserver<TemplateUpload, PushTemplateResponse>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<TemplateUpload> call) {
                        call.setOnReadyHandler(() -> {
                            synchronized (ready) {
                                ready.notifyAll();
                            }
                        });
                        started.complete(call);
                    }

                    @Override
                    public void onNext(PushTemplateResponse response) {
                        result.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        result.completeExceptionally(error);
                        synchronized (ready) {
                            ready.notifyAll();
                        }
                    }

                    @Override
                    public void onCompleted() {}
                });
        ClientCallStreamObserver<TemplateUpload> call = started.join();
        try {
            call.onNext(TemplateUpload.newBuilder()
                    .setHeader(TemplateUploadHeader.newBuilder()
                            .setSizeBytes(Math.max(0, declaredBytes))
                            .setTenantId(tenantId))
                    .build());
            byte[] part = new byte[PART_BYTES];
            long total = 0;
            int read;
            while ((read = body.readNBytes(part, 0, part.length)) > 0) {
                total += read;
                if (total > MAX_PACKAGE_BYTES) {
                    throw tooLarge(Math.max(declaredBytes, total));
                }
                if (!awaitReady(call, ready, result)) {
                    break;
                }
                call.onNext(TemplateUpload.newBuilder()
                        .setData(ByteString.copyFrom(part, 0, read))
                        .build());
            }
            if (total == 0) {
                throw Problem.invalidField("body", "is empty: send the package's zip as the body");
            }
            call.onCompleted();
        } catch (IOException | RuntimeException e) {
            call.cancel("the upload did not arrive whole", e);
            throw e;
        }
        return await(result);
    }

    /** Waits until the call takes another part; false when the farm already answered (a refusal). */
    private static boolean awaitReady(
            ClientCallStreamObserver<TemplateUpload> call, Object ready, CompletableFuture<?> result)
            throws IOException {
        synchronized (ready) {
            while (!call.isReady() && !result.isDone()) {
                try {
                    // Woken by the call's ready handler or its end; the bound only re-checks.
                    ready.wait(TimeUnit.SECONDS.toMillis(1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while uploading the package", e);
                }
            }
        }
        return !result.isDone();
    }

    private static PushTemplateResponse await(CompletableFuture<PushTemplateResponse> result) {
        try {
            return result.get(PUSH_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException status) {
                throw ConsoleFarm.problem(status);
            }
            throw new IllegalStateException("the template push failed", e.getCause());
        } catch (TimeoutException e) {
            throw Problem.unavailable("the farm did not answer the template push within " + PUSH_DEADLINE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the template push", e);
        }
    }

    static Problem tooLarge(long bytes) {
        return Problem.of(
                413,
                "body-too-large",
                "Package too large",
                "the package has " + bytes + " bytes; at most " + MAX_PACKAGE_BYTES + " are taken");
    }

    private static <T> T call(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw ConsoleFarm.problem(e);
        }
    }
}
