package ir.flatrender.orchestrator.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import ir.flatrender.proto.farm.v1.CatalogServiceGrpc;
import ir.flatrender.proto.farm.v1.FarmAdminServiceGrpc;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.NodeServiceGrpc;
import ir.flatrender.proto.farm.v1.TemplateServiceGrpc;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * What each credential role may call, method by method, without a database (only the
 * operator's rule asks whether nodes were enrolled).
 */
class CallerInterceptorTest {
    /** Never connected: no role tested here reads the credentials. */
    private final CallerInterceptor interceptor = new CallerInterceptor(
            FarmToken.of("x".repeat(FarmToken.MIN_LENGTH)),
            new FarmCredentials(Jdbi.create("jdbc:postgresql://127.0.0.1:1/never")),
            Set.of());

    private static final Caller CONSOLE =
            new Caller(Caller.Role.CONSOLE, "console", Optional.of(UUID.randomUUID()), Optional.empty());
    private static final Caller GATEWAY =
            new Caller(Caller.Role.GATEWAY, "gateway", Optional.of(UUID.randomUUID()), Optional.empty());
    private static final Caller NODE =
            new Caller(Caller.Role.NODE, "render-01", Optional.of(UUID.randomUUID()), Optional.empty());

    private static List<MethodDescriptor<?, ?>> methods(ServiceDescriptor service) {
        return List.copyOf(service.getMethods());
    }

    private static Stream<String> allowed(CallerInterceptor interceptor, Caller caller, ServiceDescriptor service) {
        return methods(service).stream()
                .filter(method -> interceptor.denied(caller, method).isEmpty())
                .map(MethodDescriptor::getBareMethodName);
    }

    @Test
    void theConsoleOpensExactlyWhatTheConsoleCalls() {
        assertThat(allowed(interceptor, CONSOLE, FarmAdminServiceGrpc.getServiceDescriptor()))
                .containsExactlyInAnyOrder(
                        "ListNodes",
                        "GetNode",
                        "DrainNode",
                        "DisableNode",
                        "EnableNode",
                        "ReleaseNode",
                        "GetNodeCache",
                        "GetNodeHealth",
                        "ListCrashes",
                        "ListRepairs");
        assertThat(interceptor.denied(CONSOLE, FarmAdminServiceGrpc.getIssueCredentialMethod()))
                .hasValueSatisfying(why -> assertThat(why).contains("credentials"));
        assertThat(allowed(interceptor, CONSOLE, JobServiceGrpc.getServiceDescriptor()))
                .containsExactlyInAnyOrder(
                        "ListJobs", "GetJob", "CancelJob", "PauseJob", "ResumeJob", "RetryJob", "SetJobPriority");
    }

    /** The templates admin: pushing, hiding and revising templates, and the catalog's entries and media renders. */
    @Test
    void theConsoleOpensTheTemplatesAndTheCatalogsEntriesAndMediaRenders() {
        assertThat(allowed(interceptor, CONSOLE, TemplateServiceGrpc.getServiceDescriptor()))
                .containsExactlyInAnyOrder(
                        "PushTemplate", "ListTemplates", "GetTemplate", "SetTemplateHidden", "ReviseTemplate");
        assertThat(allowed(interceptor, CONSOLE, CatalogServiceGrpc.getServiceDescriptor()))
                .containsExactlyInAnyOrder("GetCatalogEntry", "ReadCatalogMedia", "RenderCatalogMedia");
    }

    /** A stolen console credential links no media by hand, reads no tenant's video and submits nothing. */
    @Test
    void theConsoleOpensNoMediaLinksExportsSubmissionsOrSnapshots() {
        assertThat(interceptor.denied(CONSOLE, CatalogServiceGrpc.getSetCatalogMediaMethod()))
                .isPresent();
        assertThat(interceptor.denied(CONSOLE, JobServiceGrpc.getDownloadExportMethod()))
                .isPresent();
        assertThat(interceptor.denied(CONSOLE, JobServiceGrpc.getSubmitJobMethod()))
                .isPresent();
        assertThat(interceptor.denied(CONSOLE, JobServiceGrpc.getRenderSnapshotMethod()))
                .isPresent();
        assertThat(interceptor.denied(CONSOLE, FarmAdminServiceGrpc.getRequeueChunksMethod()))
                .isPresent();
    }

    @Test
    void theConsoleNeverOpensTheNodeService() {
        assertThat(allowed(interceptor, CONSOLE, NodeServiceGrpc.getServiceDescriptor()))
                .isEmpty();
    }

    /** Hiding and revising templates, and rendering catalog media, are the operators' and the console's. */
    @Test
    void theOtherRolesAreAsBefore() {
        assertThat(allowed(interceptor, GATEWAY, FarmAdminServiceGrpc.getServiceDescriptor()))
                .isEmpty();
        assertThat(allowed(interceptor, GATEWAY, JobServiceGrpc.getServiceDescriptor()))
                .hasSameSizeAs(methods(JobServiceGrpc.getServiceDescriptor()));
        assertThat(allowed(interceptor, GATEWAY, TemplateServiceGrpc.getServiceDescriptor()))
                .containsExactlyInAnyOrder("ListTemplates", "GetTemplate");
        assertThat(allowed(interceptor, GATEWAY, CatalogServiceGrpc.getServiceDescriptor()))
                .doesNotContain("SetCatalogMedia", "RenderCatalogMedia");
        assertThat(allowed(interceptor, NODE, NodeServiceGrpc.getServiceDescriptor()))
                .hasSameSizeAs(methods(NodeServiceGrpc.getServiceDescriptor()));
        assertThat(allowed(interceptor, NODE, FarmAdminServiceGrpc.getServiceDescriptor()))
                .isEmpty();
    }
}
