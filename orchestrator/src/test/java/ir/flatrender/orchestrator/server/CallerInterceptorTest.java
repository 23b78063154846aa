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
    void theConsoleOpensFarmAdministrationButCredentials() {
        assertThat(allowed(interceptor, CONSOLE, FarmAdminServiceGrpc.getServiceDescriptor()))
                .contains("ListNodes", "GetNode", "DrainNode", "DisableNode", "EnableNode", "ReleaseNode")
                .contains("GetNodeHealth", "RequeueChunks", "PurgeSnapshots", "ListCrashes")
                .doesNotContain("IssueCredential", "RevokeCredential", "ListCredentials")
                .hasSize(
                        FarmAdminServiceGrpc.getServiceDescriptor().getMethods().size() - 3);
        assertThat(interceptor.denied(CONSOLE, FarmAdminServiceGrpc.getIssueCredentialMethod()))
                .hasValueSatisfying(why -> assertThat(why).contains("credentials"));
    }

    @Test
    void theConsoleOpensJobsButSubmittingAndSnapshots() {
        assertThat(allowed(interceptor, CONSOLE, JobServiceGrpc.getServiceDescriptor()))
                .contains("ListJobs", "GetJob", "CancelJob", "PauseJob", "ResumeJob", "RetryJob", "SetJobPriority")
                .contains("WatchJob", "DownloadExport")
                .doesNotContain("SubmitJob", "RenderSnapshot")
                .hasSize(JobServiceGrpc.getServiceDescriptor().getMethods().size() - 2);
    }

    @Test
    void theConsoleOpensTemplatesAndTheCatalogWhole() {
        assertThat(allowed(interceptor, CONSOLE, TemplateServiceGrpc.getServiceDescriptor()))
                .hasSameSizeAs(methods(TemplateServiceGrpc.getServiceDescriptor()));
        assertThat(allowed(interceptor, CONSOLE, CatalogServiceGrpc.getServiceDescriptor()))
                .hasSameSizeAs(methods(CatalogServiceGrpc.getServiceDescriptor()));
    }

    @Test
    void theConsoleNeverOpensTheNodeService() {
        assertThat(allowed(interceptor, CONSOLE, NodeServiceGrpc.getServiceDescriptor()))
                .isEmpty();
    }

    @Test
    void theOtherRolesAreAsBefore() {
        assertThat(allowed(interceptor, GATEWAY, FarmAdminServiceGrpc.getServiceDescriptor()))
                .isEmpty();
        assertThat(allowed(interceptor, GATEWAY, JobServiceGrpc.getServiceDescriptor()))
                .hasSameSizeAs(methods(JobServiceGrpc.getServiceDescriptor()));
        assertThat(allowed(interceptor, GATEWAY, TemplateServiceGrpc.getServiceDescriptor()))
                .containsExactlyInAnyOrder("ListTemplates", "GetTemplate");
        assertThat(allowed(interceptor, GATEWAY, CatalogServiceGrpc.getServiceDescriptor()))
                .doesNotContain("SetCatalogMedia");
        assertThat(allowed(interceptor, NODE, NodeServiceGrpc.getServiceDescriptor()))
                .hasSameSizeAs(methods(NodeServiceGrpc.getServiceDescriptor()));
        assertThat(allowed(interceptor, NODE, FarmAdminServiceGrpc.getServiceDescriptor()))
                .isEmpty();
    }
}
