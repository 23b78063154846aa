package ir.flatrender.orchestrator.api;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.errors.StatusMapper;
import ir.flatrender.orchestrator.nodes.NodeCacheDao;
import ir.flatrender.orchestrator.templates.InstalledTemplate;
import ir.flatrender.orchestrator.templates.TemplateCatalog;
import ir.flatrender.orchestrator.templates.TemplateManifestParser;
import ir.flatrender.orchestrator.templates.TemplatePackage;
import ir.flatrender.orchestrator.templates.TemplateRevisions;
import ir.flatrender.orchestrator.templates.TemplateStatus;
import ir.flatrender.proto.farm.v1.GetTemplateRequest;
import ir.flatrender.proto.farm.v1.ListTemplatesRequest;
import ir.flatrender.proto.farm.v1.ListTemplatesResponse;
import ir.flatrender.proto.farm.v1.PushTemplateResponse;
import ir.flatrender.proto.farm.v1.ReviseTemplateRequest;
import ir.flatrender.proto.farm.v1.SetTemplateHiddenRequest;
import ir.flatrender.proto.farm.v1.Template;
import ir.flatrender.proto.farm.v1.TemplateServiceGrpc;
import ir.flatrender.proto.farm.v1.TemplateUpload;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The template service: thin; the catalog validates and stores. A pushed zip is spooled to a
 * file in scratch as it arrives (one part asked for at a time, so a fast client cannot fill
 * the orchestrator's memory), and installs run on their own executor, a few at a time, never
 * on the threads that take segment uploads.
 */
public final class TemplateServiceImpl extends TemplateServiceGrpc.TemplateServiceImplBase {
    private static final Logger log = LoggerFactory.getLogger(TemplateServiceImpl.class);
    /**
     * Pushes being received or installed, and revisions, at once; more are refused (each unpacks
     * up to the package limit to disk).
     */
    static final int MAX_CONCURRENT_PUSHES = 2;

    private final TemplateCatalog catalog;
    private final TemplateRevisions revisions;
    private final Jdbi jdbi;
    private final Executor installs;
    private final long maxPackageBytes;
    private final Path scratch;
    private final Semaphore pushes = new Semaphore(MAX_CONCURRENT_PUSHES);

    public TemplateServiceImpl(
            TemplateCatalog catalog,
            TemplateRevisions revisions,
            Jdbi jdbi,
            Executor installs,
            long maxPackageBytes,
            Path scratch) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.revisions = requireNonNull(revisions, "revisions is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.installs = requireNonNull(installs, "installs is null");
        this.maxPackageBytes = maxPackageBytes;
        this.scratch = requireNonNull(scratch, "scratch is null");
    }

    @Override
    public StreamObserver<TemplateUpload> pushTemplate(StreamObserver<PushTemplateResponse> responseObserver) {
        ServerCallStreamObserver<PushTemplateResponse> call =
                (ServerCallStreamObserver<PushTemplateResponse>) responseObserver;
        call.disableAutoRequest();
        if (!pushes.tryAcquire()) {
            call.onError(StatusMapper.toStatus(busy()));
            return new StreamObserver<>() {
                @Override
                public void onNext(TemplateUpload part) {}

                @Override
                public void onError(Throwable error) {}

                @Override
                public void onCompleted() {}
            };
        }
        Push push = new Push(call, MoreExecutors.newSequentialExecutor(installs));
        call.request(1);
        return push;
    }

    private static FarmException busy() {
        return new FarmException(
                ErrorCode.RESOURCE_EXHAUSTED,
                MAX_CONCURRENT_PUSHES + " template pushes or revisions are in progress; try again shortly");
    }

    /** One push: parts written to a spool file in order, on a serial executor, then installed. */
    private final class Push implements StreamObserver<TemplateUpload> {
        private final ServerCallStreamObserver<PushTemplateResponse> call;
        private final Executor serial;
        private UUID tenant = JobServiceImpl.DEFAULT_TENANT;
        private Path spool;
        private OutputStream out;
        private long received;
        private boolean done;

        Push(ServerCallStreamObserver<PushTemplateResponse> call, Executor serial) {
            this.call = call;
            this.serial = serial;
        }

        @Override
        public void onNext(TemplateUpload part) {
            serial.execute(() -> {
                if (done) {
                    return;
                }
                try {
                    if (part.hasHeader()) {
                        header(part.getHeader());
                    } else if (out == null) {
                        throw FarmException.invalid("upload", "the header must come first");
                    } else {
                        received += part.getData().size();
                        if (received > maxPackageBytes) {
                            throw tooLarge();
                        }
                        part.getData().writeTo(out);
                    }
                    call.request(1);
                } catch (IOException e) {
                    fail(new FarmException(ErrorCode.UNAVAILABLE, "could not spool the package: " + e.getMessage()));
                } catch (RuntimeException e) {
                    fail(e);
                }
            });
        }

        private void header(ir.flatrender.proto.farm.v1.TemplateUploadHeader header) throws IOException {
            if (out != null) {
                throw FarmException.invalid("upload", "only one header may be sent");
            }
            if (header.getSizeBytes() > maxPackageBytes) {
                throw tooLarge();
            }
            if (!header.getTenantId().isBlank()) {
                try {
                    tenant = UUID.fromString(header.getTenantId());
                } catch (IllegalArgumentException e) {
                    throw FarmException.invalid("tenant_id", "is not a UUID");
                }
            }
            spool = Files.createTempFile(scratch, "push-", ".zip");
            out = new BufferedOutputStream(Files.newOutputStream(spool));
        }

        private FarmException tooLarge() {
            return new FarmException(
                    ErrorCode.RESOURCE_EXHAUSTED, "package is larger than the limit of " + maxPackageBytes + " bytes");
        }

        @Override
        public void onError(Throwable error) {
            serial.execute(this::end);
        }

        @Override
        public void onCompleted() {
            serial.execute(() -> {
                if (done) {
                    return;
                }
                try {
                    if (out == null) {
                        throw FarmException.invalid("upload", "no header was sent");
                    }
                    out.close();
                    TemplateCatalog.Installed installed;
                    // Unpacked to scratch (never into memory), within limits a zip bomb passes first.
                    try (TemplatePackage pkg =
                            TemplatePackage.fromZip(spool, TemplatePackage.Limits.of(maxPackageBytes), scratch)) {
                        installed = catalog.install(pkg, tenant);
                    }
                    call.onNext(answer(installed));
                    call.onCompleted();
                    end();
                } catch (IOException e) {
                    fail(new FarmException(ErrorCode.UNAVAILABLE, "could not read the package: " + e.getMessage()));
                } catch (RuntimeException e) {
                    fail(e);
                }
            });
        }

        private void fail(RuntimeException error) {
            end();
            try {
                call.onError(StatusMapper.toStatus(error));
            } catch (RuntimeException e) {
                log.debug("push call already closed: {}", e.getMessage());
            }
        }

        /** Frees the push's slot and its spool file, once. */
        private void end() {
            if (done) {
                return;
            }
            done = true;
            pushes.release();
            try {
                if (out != null) {
                    out.close();
                }
                if (spool != null) {
                    Files.deleteIfExists(spool);
                }
            } catch (IOException e) {
                log.warn("could not delete the spooled package {}: {}", spool, e.getMessage());
            }
        }
    }

    private PushTemplateResponse answer(TemplateCatalog.Installed installed) {
        InstalledTemplate template = installed.template();
        return PushTemplateResponse.newBuilder()
                .setTemplate(toProto(template, catalog.status(template.id())))
                .setCreated(installed.created())
                .build();
    }

    @Override
    public void listTemplates(ListTemplatesRequest request, StreamObserver<ListTemplatesResponse> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> {
            ListTemplatesResponse.Builder response = ListTemplatesResponse.newBuilder();
            if (!request.getTemplateId().isEmpty()) {
                String id = templateId(request.getTemplateId());
                List<InstalledTemplate> versions = catalog.versions(id);
                TemplateStatus status = catalog.status(id);
                versions.forEach(version -> response.addTemplates(toProto(version, status)));
                return response.build();
            }
            List<InstalledTemplate> current = catalog.listCurrent();
            Map<String, TemplateStatus> statuses = catalog.statuses();
            for (InstalledTemplate template : current) {
                TemplateStatus status = statuses.get(template.id());
                // None: deleted since it was listed.
                if (status != null
                        && (request.getEngine().isEmpty()
                                || request.getEngine()
                                        .equals(template.manifest().engine()))) {
                    response.addTemplates(toProto(template, status));
                }
            }
            return response.build();
        });
    }

    @Override
    public void getTemplate(GetTemplateRequest request, StreamObserver<Template> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> {
            if (request.getTemplateId().isBlank()) {
                throw FarmException.invalid("template_id", "is required");
            }
            InstalledTemplate template = catalog.find(request.getTemplateId(), request.getVersion());
            return toProto(template, catalog.status(template.id()));
        });
    }

    @Override
    public void setTemplateHidden(SetTemplateHiddenRequest request, StreamObserver<Template> responseObserver) {
        JobServiceImpl.unary(responseObserver, () -> {
            TemplateStatus status = catalog.setHidden(templateId(request.getTemplateId()), request.getHidden());
            return toProto(catalog.find(status.id(), status.currentVersion()), status);
        });
    }

    /** Unpacks and stores as a push does, so it runs where pushes install and counts as one. */
    @Override
    public void reviseTemplate(ReviseTemplateRequest request, StreamObserver<PushTemplateResponse> responseObserver) {
        TemplateRevisions.Revision revision;
        try {
            revision = TemplateMapper.revision(templateId(request.getTemplateId()), request);
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapper.toStatus(e));
            return;
        }
        if (!pushes.tryAcquire()) {
            responseObserver.onError(StatusMapper.toStatus(busy()));
            return;
        }
        try {
            installs.execute(() -> {
                try {
                    JobServiceImpl.unary(responseObserver, () -> answer(revisions.revise(revision)));
                } finally {
                    pushes.release();
                }
            });
        } catch (RejectedExecutionException e) {
            pushes.release();
            responseObserver.onError(StatusMapper.toStatus(
                    new FarmException(ErrorCode.UNAVAILABLE, "the orchestrator is stopping; try again")));
        }
    }

    private static String templateId(String id) {
        if (id.isBlank()) {
            throw FarmException.invalid("template_id", "is required");
        }
        if (!TemplateManifestParser.TEMPLATE_ID.matcher(id).matches()) {
            throw FarmException.invalid(
                    "template_id",
                    "is not a template id (1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter"
                            + " or digit)");
        }
        return id;
    }

    private Template toProto(InstalledTemplate template, TemplateStatus status) {
        return TemplateMapper.toProto(
                template,
                status,
                jdbi.withExtension(NodeCacheDao.class, dao -> dao.holders(template.id(), template.version())));
    }
}
