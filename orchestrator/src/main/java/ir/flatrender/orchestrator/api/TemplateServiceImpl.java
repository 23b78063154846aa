package ir.flatrender.orchestrator.api;

import static java.util.Objects.requireNonNull;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import ir.flatrender.orchestrator.errors.StatusMapper;
import ir.flatrender.orchestrator.nodes.NodeCacheDao;
import ir.flatrender.orchestrator.templates.InstalledTemplate;
import ir.flatrender.orchestrator.templates.TemplateCatalog;
import ir.flatrender.orchestrator.templates.TemplatePackage;
import ir.flatrender.proto.farm.v1.GetTemplateRequest;
import ir.flatrender.proto.farm.v1.ListTemplatesRequest;
import ir.flatrender.proto.farm.v1.ListTemplatesResponse;
import ir.flatrender.proto.farm.v1.PushTemplateResponse;
import ir.flatrender.proto.farm.v1.Template;
import ir.flatrender.proto.farm.v1.TemplateServiceGrpc;
import ir.flatrender.proto.farm.v1.TemplateUpload;
import java.io.ByteArrayOutputStream;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.jdbi.v3.core.Jdbi;

/** The template service: thin; the catalog validates and stores. */
public final class TemplateServiceImpl extends TemplateServiceGrpc.TemplateServiceImplBase {
    private final TemplateCatalog catalog;
    private final Jdbi jdbi;
    private final Executor io;
    private final long maxPackageBytes;

    public TemplateServiceImpl(TemplateCatalog catalog, Jdbi jdbi, Executor io, long maxPackageBytes) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.io = requireNonNull(io, "io is null");
        this.maxPackageBytes = maxPackageBytes;
    }

    @Override
    public StreamObserver<TemplateUpload> pushTemplate(StreamObserver<PushTemplateResponse> responseObserver) {
        ServerCallStreamObserver<PushTemplateResponse> call =
                (ServerCallStreamObserver<PushTemplateResponse>) responseObserver;
        return new StreamObserver<>() {
            private final ByteArrayOutputStream zip = new ByteArrayOutputStream();
            private UUID tenant = JobServiceImpl.DEFAULT_TENANT;
            private boolean headerSeen;
            private boolean failed;

            @Override
            public void onNext(TemplateUpload part) {
                if (failed) {
                    return;
                }
                if (part.hasHeader()) {
                    headerSeen = true;
                    if (part.getHeader().getSizeBytes() > maxPackageBytes) {
                        fail(new FarmException(
                                ErrorCode.RESOURCE_EXHAUSTED,
                                "package is larger than the limit of " + maxPackageBytes + " bytes"));
                        return;
                    }
                    if (!part.getHeader().getTenantId().isBlank()) {
                        try {
                            tenant = UUID.fromString(part.getHeader().getTenantId());
                        } catch (IllegalArgumentException e) {
                            fail(FarmException.invalid("tenant_id", "is not a UUID"));
                        }
                    }
                    return;
                }
                if (!headerSeen) {
                    fail(FarmException.invalid("upload", "the header must come first"));
                    return;
                }
                if (zip.size() + (long) part.getData().size() > maxPackageBytes) {
                    fail(new FarmException(
                            ErrorCode.RESOURCE_EXHAUSTED,
                            "package is larger than the limit of " + maxPackageBytes + " bytes"));
                    return;
                }
                zip.writeBytes(part.getData().toByteArray());
            }

            private void fail(RuntimeException error) {
                failed = true;
                call.onError(StatusMapper.toStatus(error));
            }

            @Override
            public void onError(Throwable error) {
                failed = true;
            }

            @Override
            public void onCompleted() {
                if (failed) {
                    return;
                }
                io.execute(() -> {
                    try {
                        TemplateCatalog.Installed installed =
                                catalog.install(TemplatePackage.fromZip(zip.toByteArray(), maxPackageBytes), tenant);
                        call.onNext(PushTemplateResponse.newBuilder()
                                .setTemplate(toProto(
                                        installed.template(),
                                        catalog.currentVersion(
                                                        installed.template().id())
                                                == installed.template().version()))
                                .setCreated(installed.created())
                                .build());
                        call.onCompleted();
                    } catch (RuntimeException e) {
                        call.onError(StatusMapper.toStatus(e));
                    }
                });
            }
        };
    }

    @Override
    public void listTemplates(ListTemplatesRequest request, StreamObserver<ListTemplatesResponse> responseObserver) {
        try {
            ListTemplatesResponse.Builder response = ListTemplatesResponse.newBuilder();
            for (InstalledTemplate template : catalog.listCurrent()) {
                if (request.getEngine().isEmpty()
                        || request.getEngine().equals(template.manifest().engine())) {
                    response.addTemplates(toProto(template, true));
                }
            }
            responseObserver.onNext(response.build());
            responseObserver.onCompleted();
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapper.toStatus(e));
        }
    }

    @Override
    public void getTemplate(GetTemplateRequest request, StreamObserver<Template> responseObserver) {
        try {
            if (request.getTemplateId().isBlank()) {
                throw FarmException.invalid("template_id", "is required");
            }
            InstalledTemplate template = catalog.find(request.getTemplateId(), request.getVersion());
            boolean current = catalog.currentVersion(template.id()) == template.version();
            responseObserver.onNext(toProto(template, current));
            responseObserver.onCompleted();
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapper.toStatus(e));
        }
    }

    private Template toProto(InstalledTemplate template, boolean current) {
        return TemplateMapper.toProto(
                template,
                current,
                jdbi.withExtension(NodeCacheDao.class, dao -> dao.holders(template.id(), template.version())));
    }
}
