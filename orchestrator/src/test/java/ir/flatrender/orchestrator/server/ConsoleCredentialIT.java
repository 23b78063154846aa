package ir.flatrender.orchestrator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Channel;
import io.grpc.Status;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.testing.TestingNodeStream;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.proto.farm.v1.CancelJobRequest;
import ir.flatrender.proto.farm.v1.CatalogServiceGrpc;
import ir.flatrender.proto.farm.v1.Credential;
import ir.flatrender.proto.farm.v1.CredentialRole;
import ir.flatrender.proto.farm.v1.FarmAdminServiceGrpc;
import ir.flatrender.proto.farm.v1.IssueCredentialRequest;
import ir.flatrender.proto.farm.v1.IssuedCredential;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.proto.farm.v1.ListCredentialsRequest;
import ir.flatrender.proto.farm.v1.ListJobsRequest;
import ir.flatrender.proto.farm.v1.ListNodesRequest;
import ir.flatrender.proto.farm.v1.ListTemplatesRequest;
import ir.flatrender.proto.farm.v1.Node;
import ir.flatrender.proto.farm.v1.NodeCommand;
import ir.flatrender.proto.farm.v1.NodeRequest;
import ir.flatrender.proto.farm.v1.NodeState;
import ir.flatrender.proto.farm.v1.RevokeCredentialRequest;
import ir.flatrender.proto.farm.v1.SetCatalogMediaRequest;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.proto.farm.v1.TemplateServiceGrpc;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 21: the operators' console in the gateway calls with a credential of its own, which
 * opens the farm's administration, every tenant's jobs and the templates, but not credentials,
 * submitting, snapshots, linking catalog media or the node service.
 */
class ConsoleCredentialIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final UUID TENANT_A = UUID.fromString("00000000-0000-0000-0000-00000000002a");
    private static final UUID TENANT_B = UUID.fromString("00000000-0000-0000-0000-00000000002b");

    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static TestingOrchestrator orchestrator;

    @BeforeAll
    static void start() {
        orchestrator = TestingOrchestrator.start(postgres.database(), config -> config);
        orchestrator.installTestTemplate("test-card");
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
    }

    private static Status.Code code(Throwable error) {
        return Status.fromThrowable(error).getCode();
    }

    private static SubmitJobRequest submission(UUID tenant, String title) {
        return SubmitJobRequest.newBuilder()
                .setTenantId(tenant.toString())
                .setTemplateId("test-card")
                .setAspect("16:9")
                .setTier("360p")
                .setChunkFrames(60)
                .setBindings(Struct.newBuilder()
                        .putFields(
                                "title",
                                Value.newBuilder().setStringValue(title).build()))
                .build();
    }

    private static Job submit(UUID tenant, String title) {
        return JobServiceGrpc.newBlockingStub(orchestrator.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .submitJob(submission(tenant, title))
                .getJob();
    }

    @Test
    @DisplayName("a console lists and drains nodes, and lists and cancels every tenant's jobs")
    void theConsoleAdministersTheFarmAcrossTenants() throws Exception {
        String nodeToken = orchestrator.enrollNode("console-sees-me");
        Channel console = orchestrator.channel(orchestrator.enrollConsole("console-1"));
        try (TestingNodeStream node =
                TestingNodeStream.connect(orchestrator.channel(nodeToken), "console-sees-me", 1)) {
            NodeCommand welcome = node.next(WAIT);
            assertThat(welcome.hasWelcome()).isTrue();
            var admin = FarmAdminServiceGrpc.newBlockingStub(console).withDeadlineAfter(10, TimeUnit.SECONDS);
            assertThat(admin.listNodes(ListNodesRequest.getDefaultInstance()).getNodesList())
                    .extracting(Node::getName)
                    .contains("console-sees-me");
            Node drained = admin.drainNode(NodeRequest.newBuilder()
                    .setNode("console-sees-me")
                    .setReason("from the console")
                    .build());
            assertThat(drained.getState()).isEqualTo(NodeState.NODE_STATE_DRAINING);
        }

        Job ofA = submit(TENANT_A, "tenant a");
        Job ofB = submit(TENANT_B, "tenant b");
        var jobs = JobServiceGrpc.newBlockingStub(console).withDeadlineAfter(10, TimeUnit.SECONDS);
        // No tenant named: every tenant's, as for the operator.
        List<String> listed = jobs.listJobs(ListJobsRequest.getDefaultInstance()).getJobsList().stream()
                .map(Job::getId)
                .toList();
        assertThat(listed).contains(ofA.getId(), ofB.getId());
        Job cancelled = jobs.cancelJob(CancelJobRequest.newBuilder()
                .setJobId(ofB.getId())
                .setReason("from the console")
                .build());
        assertThat(cancelled.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        assertThat(cancelled.getTenantId()).isEqualTo(TENANT_B.toString());
        // The templates admin lists templates; linking catalog media by hand stays the operators'.
        assertThat(TemplateServiceGrpc.newBlockingStub(console)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .listTemplates(ListTemplatesRequest.getDefaultInstance())
                        .getTemplatesList())
                .extracting(ir.flatrender.proto.farm.v1.Template::getId)
                .contains("test-card");
        assertThatThrownBy(() -> CatalogServiceGrpc.newBlockingStub(console)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .setCatalogMedia(SetCatalogMediaRequest.newBuilder()
                                .setTemplateId("test-card")
                                .setTemplateVersion(1)
                                .setSnapshotCacheKey("0".repeat(64))
                                .build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
    }

    @Test
    @DisplayName("a console cannot touch credentials, submit jobs or act as a node")
    void theConsoleIsRefusedCredentialsSubmittingAndTheNodeService() throws Exception {
        Channel console = orchestrator.channel(orchestrator.enrollConsole("console-2"));
        var admin = FarmAdminServiceGrpc.newBlockingStub(console).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> admin.issueCredential(IssueCredentialRequest.newBuilder()
                        .setRole(CredentialRole.CREDENTIAL_ROLE_CONSOLE)
                        .setName("console-minted")
                        .build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThatThrownBy(() -> admin.listCredentials(ListCredentialsRequest.getDefaultInstance()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThatThrownBy(() -> admin.revokeCredential(RevokeCredentialRequest.newBuilder()
                        .setRole(CredentialRole.CREDENTIAL_ROLE_CONSOLE)
                        .setName("console-2")
                        .build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThatThrownBy(() -> JobServiceGrpc.newBlockingStub(console)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .submitJob(submission(TENANT_A, "from the console")))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
        TestingNodeStream asNode = TestingNodeStream.connect(console, "console-2", 1);
        assertThat(code(asNode.error(WAIT))).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    @DisplayName("the operator issues and revokes a console's credential; a revoked one is nobody's")
    void aRevokedConsoleCredentialIsUnauthenticated() {
        var operator = FarmAdminServiceGrpc.newBlockingStub(orchestrator.channel());
        IssuedCredential issued = operator.issueCredential(IssueCredentialRequest.newBuilder()
                .setRole(CredentialRole.CREDENTIAL_ROLE_CONSOLE)
                .setName("console-3")
                .build());
        assertThat(issued.getToken()).startsWith("frc_");
        assertThat(issued.getCredential().getRole()).isEqualTo(CredentialRole.CREDENTIAL_ROLE_CONSOLE);
        var console = FarmAdminServiceGrpc.newBlockingStub(orchestrator.channel(issued.getToken()))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
        console.listNodes(ListNodesRequest.getDefaultInstance());

        Credential revoked = operator.revokeCredential(RevokeCredentialRequest.newBuilder()
                .setRole(CredentialRole.CREDENTIAL_ROLE_CONSOLE)
                .setName("console-3")
                .build());
        assertThat(revoked.getRole()).isEqualTo(CredentialRole.CREDENTIAL_ROLE_CONSOLE);
        assertThat(revoked.hasRevokedAt()).isTrue();
        assertThatThrownBy(() -> console.listNodes(ListNodesRequest.getDefaultInstance()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThat(operator.listCredentials(ListCredentialsRequest.getDefaultInstance())
                        .getCredentialsList())
                .filteredOn(credential -> credential.getName().equals("console-3"))
                .singleElement()
                .satisfies(credential -> {
                    assertThat(credential.getRole()).isEqualTo(CredentialRole.CREDENTIAL_ROLE_CONSOLE);
                    assertThat(credential.hasRevokedAt()).isTrue();
                });
    }
}
