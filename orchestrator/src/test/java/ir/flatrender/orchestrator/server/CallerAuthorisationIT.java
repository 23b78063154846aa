package ir.flatrender.orchestrator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.hash.Hashing;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.testing.TestingNodeStream;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.proto.farm.v1.AssignChunk;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.CredentialRole;
import ir.flatrender.proto.farm.v1.FarmAdminServiceGrpc;
import ir.flatrender.proto.farm.v1.GetJobRequest;
import ir.flatrender.proto.farm.v1.IssueCredentialRequest;
import ir.flatrender.proto.farm.v1.IssuedCredential;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.ListJobsRequest;
import ir.flatrender.proto.farm.v1.ListNodesRequest;
import ir.flatrender.proto.farm.v1.ListTemplatesRequest;
import ir.flatrender.proto.farm.v1.NodeCommand;
import ir.flatrender.proto.farm.v1.NodeServiceGrpc;
import ir.flatrender.proto.farm.v1.RevokeCredentialRequest;
import ir.flatrender.proto.farm.v1.SegmentHeader;
import ir.flatrender.proto.farm.v1.SegmentUpload;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.proto.farm.v1.TemplateServiceGrpc;
import ir.flatrender.proto.farm.v1.UploadSegmentResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, cases 1-4 on the orchestrator: each node its own enrolled credential (and the farm
 * token the operators' only), a node acting only as itself and on its own chunks, and a
 * gateway's calls bound to the tenant they name.
 */
class CallerAuthorisationIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final UUID TENANT_A = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID TENANT_B = UUID.fromString("00000000-0000-0000-0000-00000000000b");

    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static TestingOrchestrator orchestrator;

    @BeforeAll
    static void start() {
        orchestrator = TestingOrchestrator.start(postgres.database(), config -> config);
        orchestrator.installTestTemplate("test-card");
        // This farm has left the shared secret behind: nodes present their own credentials.
        orchestrator.enrollNode("enrolled-first");
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
    }

    private static String welcome(TestingNodeStream node) throws InterruptedException {
        NodeCommand command = node.next(WAIT);
        assertThat(command.hasWelcome()).as("first command is the welcome").isTrue();
        return command.getWelcome().getNodeId();
    }

    private static AssignChunk nextAssignment(TestingNodeStream node) throws InterruptedException {
        while (true) {
            NodeCommand command = node.next(WAIT);
            if (command.hasAssign()) {
                return command.getAssign();
            }
        }
    }

    private static Status.Code code(Throwable error) {
        return Status.fromThrowable(error).getCode();
    }

    private static Job submit(Channel channel, UUID tenant, String title) {
        return JobServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .submitJob(SubmitJobRequest.newBuilder()
                        .setTenantId(tenant == null ? "" : tenant.toString())
                        .setTemplateId("test-card")
                        .setAspect("16:9")
                        .setTier("360p")
                        .setChunkFrames(60)
                        .setBindings(Struct.newBuilder()
                                .putFields(
                                        "title",
                                        Value.newBuilder().setStringValue(title).build()))
                        .build())
                .getJob();
    }

    @Test
    @DisplayName("case 1: once nodes are enrolled, the farm token no longer opens the node service")
    void case1_theFarmTokenNoLongerOpensTheNodeService() throws Exception {
        TestingNodeStream node = TestingNodeStream.connect(orchestrator.channel(), "with-the-farm-token", 1);
        Throwable error = node.error(WAIT);
        assertThat(code(error)).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(error).hasMessageContaining("nodes enroll");
        assertThat(nodeRows("with-the-farm-token")).isZero();
    }

    @Test
    @DisplayName("case 1: a node's credential opens the node service and nothing else")
    void case1_aNodeCredentialOpensTheNodeServiceOnly() throws Exception {
        String token = orchestrator.enrollNode("render-01");
        Channel asNode = orchestrator.channel(token);
        assertThatThrownBy(() -> JobServiceGrpc.newBlockingStub(asNode).listJobs(ListJobsRequest.getDefaultInstance()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThatThrownBy(() ->
                        FarmAdminServiceGrpc.newBlockingStub(asNode).listNodes(ListNodesRequest.getDefaultInstance()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThatThrownBy(() -> FarmAdminServiceGrpc.newBlockingStub(asNode)
                        .issueCredential(IssueCredentialRequest.newBuilder()
                                .setRole(CredentialRole.CREDENTIAL_ROLE_NODE)
                                .setName("render-99")
                                .build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
        try (TestingNodeStream node = TestingNodeStream.connect(asNode, "render-01", 1)) {
            assertThat(welcome(node)).isNotEmpty();
        }
        // A made-up token is nobody's.
        TestingNodeStream stranger =
                TestingNodeStream.connect(orchestrator.channel("frn_made-up-token"), "render-01", 1);
        assertThat(code(stranger.error(WAIT))).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    @DisplayName("case 1: enrolment shows the token once and keeps only its SHA-256")
    void case1_theTokenIsShownOnceAndKeptAsADigest() {
        IssuedCredential issued = FarmAdminServiceGrpc.newBlockingStub(orchestrator.channel())
                .issueCredential(IssueCredentialRequest.newBuilder()
                        .setRole(CredentialRole.CREDENTIAL_ROLE_NODE)
                        .setName("render-02")
                        .build());
        assertThat(issued.getToken()).startsWith("frn_").hasSizeGreaterThan(40);
        Map<String, Object> row = postgres.database()
                .jdbi()
                .withHandle(
                        handle -> handle.createQuery("SELECT * FROM render.farm_credentials WHERE name = 'render-02'")
                                .mapToMap()
                                .one());
        assertThat((byte[]) row.get("token_sha256"))
                .isEqualTo(Hashing.sha256()
                        .hashString(issued.getToken(), java.nio.charset.StandardCharsets.UTF_8)
                        .asBytes());
        assertThat(row.values()).noneMatch(value -> String.valueOf(value).contains(issued.getToken()));
        // A second enrolment of a live name is refused rather than silently adding a credential.
        assertThatThrownBy(() -> FarmAdminServiceGrpc.newBlockingStub(orchestrator.channel())
                        .issueCredential(IssueCredentialRequest.newBuilder()
                                .setRole(CredentialRole.CREDENTIAL_ROLE_NODE)
                                .setName("render-02")
                                .build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.ALREADY_EXISTS));
    }

    @Test
    @DisplayName("case 1: revoking a node cuts its live stream at once, and its token opens nothing after")
    void case1_revokingCutsTheLiveStream() throws Exception {
        String token = orchestrator.enrollNode("render-03");
        TestingNodeStream node = TestingNodeStream.connect(orchestrator.channel(token), "render-03", 1);
        welcome(node);
        FarmAdminServiceGrpc.newBlockingStub(orchestrator.channel())
                .revokeCredential(RevokeCredentialRequest.newBuilder()
                        .setRole(CredentialRole.CREDENTIAL_ROLE_NODE)
                        .setName("render-03")
                        .build());
        assertThat(code(node.error(Duration.ofSeconds(5)))).isEqualTo(Status.Code.UNAUTHENTICATED);
        TestingNodeStream again = TestingNodeStream.connect(orchestrator.channel(token), "render-03", 1);
        assertThat(code(again.error(WAIT))).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    @DisplayName("case 1: a revoke through another orchestrator cuts the node's stream here within a tick")
    void case1_aRevokeThroughAnotherOrchestratorCutsTheStream() throws Exception {
        String token = orchestrator.enrollNode("render-09");
        try (TestingOrchestrator other = TestingOrchestrator.start(postgres.database(), config -> config)) {
            TestingNodeStream node = TestingNodeStream.connect(other.channel(token), "render-09", 1);
            welcome(node);
            FarmAdminServiceGrpc.newBlockingStub(orchestrator.channel())
                    .revokeCredential(RevokeCredentialRequest.newBuilder()
                            .setRole(CredentialRole.CREDENTIAL_ROLE_NODE)
                            .setName("render-09")
                            .build());
            // The other orchestrator's node-control tick is the heartbeat interval (2 s by default).
            Throwable error = node.error(Duration.ofSeconds(10));
            assertThat(code(error)).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(error).hasMessageContaining("revoked");
        }
    }

    @Test
    @DisplayName("case 2: a node's hello must name the node its credential belongs to")
    void case2_aHelloCannotNameAnotherNode() throws Exception {
        String token = orchestrator.enrollNode("render-04");
        TestingNodeStream impostor = TestingNodeStream.connect(orchestrator.channel(token), "render-05", 1);
        Throwable error = impostor.error(WAIT);
        assertThat(code(error)).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(error).hasMessageContaining("render-04");
        assertThat(nodeRows("render-05")).isZero();
    }

    @Test
    @DisplayName("case 2: a second connection as a connected node is refused; the first keeps its stream and work")
    void case2_aSecondConnectionDoesNotEvictTheFirst() throws Exception {
        String token = orchestrator.enrollNode("render-06");
        try (TestingNodeStream first = TestingNodeStream.connect(orchestrator.channel(token), "render-06", 1)) {
            welcome(first);
            TestingNodeStream second = TestingNodeStream.connect(orchestrator.channel(token), "render-06", 1);
            Throwable error = second.error(WAIT);
            assertThat(code(error)).isEqualTo(Status.Code.ALREADY_EXISTS);
            // The first stream is the node's still: it gets the next chunk.
            submit(orchestrator.channel(), null, "second connection");
            assertThat(nextAssignment(first).getChunk().getChunkId()).isNotEmpty();
        }
    }

    @Test
    @DisplayName("case 3: a node cannot upload the segment of a chunk leased to another node")
    void case3_aNodeCannotUploadAnotherNodesChunk() throws Exception {
        String ownerToken = orchestrator.enrollNode("render-07");
        String otherToken = orchestrator.enrollNode("render-08");
        try (TestingNodeStream owner = TestingNodeStream.connect(orchestrator.channel(ownerToken), "render-07", 1)) {
            String ownerId = welcome(owner);
            submit(orchestrator.channel(), null, "leased to render-07");
            // (Chunks of earlier tests' jobs may come first: any chunk leased to the owner will do.)
            ChunkRef chunk = nextAssignment(owner).getChunk();
            // Earlier tests' chunks carry the attempts their closed streams lost (node_lost): compare, not zero.
            Object failuresBefore = postgres.database()
                    .jdbi()
                    .withHandle(handle -> handle.createQuery("SELECT failures FROM render.frame_jobs WHERE id = :id")
                            .bind("id", UUID.fromString(chunk.getChunkId()))
                            .mapTo(Integer.class)
                            .one());
            // The other node claims to be the owner in the header: its credential says otherwise.
            byte[] bytes = new byte[188];
            Status status = upload(orchestrator.channel(otherToken), chunk, ownerId, bytes);
            assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(status.getDescription()).contains("leased to another node");
            Map<String, Object> row = postgres.database()
                    .jdbi()
                    .withHandle(handle -> handle.createQuery(
                                    "SELECT state, attempt, node_id, failures FROM render.frame_jobs WHERE id = :id")
                            .bind("id", UUID.fromString(chunk.getChunkId()))
                            .mapToMap()
                            .one());
            assertThat(row)
                    .containsEntry("state", "running")
                    .containsEntry("attempt", chunk.getAttempt())
                    .containsEntry("node_id", UUID.fromString(ownerId))
                    .containsEntry("failures", failuresBefore);
        }
    }

    @Test
    @DisplayName("case 3: a node's report about another node's chunk changes nothing")
    void case3_aReportAboutAnotherNodesChunkChangesNothing() throws Exception {
        String ownerToken = orchestrator.enrollNode("render-10");
        String otherToken = orchestrator.enrollNode("render-11");
        TestingNodeStream owner = TestingNodeStream.connect(orchestrator.channel(ownerToken), "render-10", 1);
        welcome(owner);
        submit(orchestrator.channel(), null, "leased to render-10");
        ChunkRef chunk = nextAssignment(owner).getChunk();
        TestingNodeStream other = TestingNodeStream.connect(orchestrator.channel(otherToken), "render-11", 1);
        welcome(other);

        // Each stream's events are handled in order: a second hello ends the stream, so once
        // its error arrives the report before it has been handled.
        finishedThenEnd(other, chunk, 999);
        assertThat(renderMillis(chunk)).as("another node's report").isNull();
        finishedThenEnd(owner, chunk, 1234);
        assertThat(renderMillis(chunk)).as("the owner's report").isEqualTo(1234L);
    }

    private static void finishedThenEnd(TestingNodeStream node, ChunkRef chunk, long millis) throws Exception {
        node.send(ir.flatrender.proto.farm.v1.NodeEvent.newBuilder()
                .setChunkFinished(ir.flatrender.proto.farm.v1.ChunkFinished.newBuilder()
                        .setChunk(chunk)
                        .setRenderMillis(millis))
                .build());
        node.send(ir.flatrender.proto.farm.v1.NodeEvent.newBuilder()
                .setHello(ir.flatrender.proto.farm.v1.Hello.getDefaultInstance())
                .build());
        assertThat(code(node.error(WAIT))).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    private static Long renderMillis(ChunkRef chunk) {
        return postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery("SELECT render_millis FROM render.frame_jobs WHERE id = :id")
                        .bind("id", UUID.fromString(chunk.getChunkId()))
                        .mapTo(Long.class)
                        .one());
    }

    @Test
    @DisplayName("case 4: a gateway's call must name its tenant")
    void case4_aGatewayCallMustNameItsTenant() {
        String token = orchestrator.enrollGateway("gateway-1");
        assertThatThrownBy(() -> JobServiceGrpc.newBlockingStub(orchestrator.channel(token))
                        .listJobs(ListJobsRequest.getDefaultInstance()))
                .satisfies(e -> {
                    assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e).hasMessageContaining("flatrender-tenant");
                });
        assertThatThrownBy(() -> TemplateServiceGrpc.newBlockingStub(orchestrator.channel(token))
                        .listTemplates(ListTemplatesRequest.getDefaultInstance()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
        // Without the metadata, a request that names its tenant itself is bound to that one.
        Job ofA = submit(orchestrator.channel(), TENANT_A, "named in the request");
        Job ofB = submit(orchestrator.channel(), TENANT_B, "another tenant");
        List<String> listed = JobServiceGrpc.newBlockingStub(orchestrator.channel(token))
                .listJobs(ListJobsRequest.newBuilder()
                        .setTenantId(TENANT_A.toString())
                        .build())
                .getJobsList()
                .stream()
                .map(Job::getId)
                .toList();
        assertThat(listed).contains(ofA.getId()).doesNotContain(ofB.getId());
    }

    @Test
    @DisplayName("case 4: a gateway sees and touches only the tenant its call names, and no other service")
    void case4_aGatewayIsBoundToTheTenantItNames() {
        String token = orchestrator.enrollGateway("gateway-2");
        Channel operator = orchestrator.channel();
        Job ofA = submit(operator, TENANT_A, "tenant a");
        Job ofB = submit(operator, TENANT_B, "tenant b");
        Channel forA = orchestrator.channel(token, TENANT_A);
        var jobs = JobServiceGrpc.newBlockingStub(forA).withDeadlineAfter(10, TimeUnit.SECONDS);

        // Listing without a tenant is this tenant's listing, never every tenant's.
        List<String> listed = jobs.listJobs(ListJobsRequest.getDefaultInstance()).getJobsList().stream()
                .map(Job::getId)
                .toList();
        assertThat(listed).contains(ofA.getId()).doesNotContain(ofB.getId());
        // A job submitted without a tenant is the named tenant's.
        Job submitted = submit(forA, null, "through the gateway");
        assertThat(submitted.getTenantId()).isEqualTo(TENANT_A.toString());
        // Another tenant's job is not there; asking for another tenant outright is refused.
        assertThatThrownBy(() -> jobs.getJob(
                        GetJobRequest.newBuilder().setJobId(ofB.getId()).build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> jobs.listJobs(ListJobsRequest.newBuilder()
                        .setTenantId(TENANT_B.toString())
                        .build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThatThrownBy(() -> jobs.cancelJob(ir.flatrender.proto.farm.v1.CancelJobRequest.newBuilder()
                        .setJobId(ofB.getId())
                        .setTenantId(TENANT_B.toString())
                        .build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
        // The catalog is readable; the operators' service and the node service are not.
        assertThat(TemplateServiceGrpc.newBlockingStub(forA)
                        .listTemplates(ListTemplatesRequest.getDefaultInstance())
                        .getTemplatesList())
                .isNotEmpty();
        assertThatThrownBy(() ->
                        FarmAdminServiceGrpc.newBlockingStub(forA).listNodes(ListNodesRequest.getDefaultInstance()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThatThrownBy(() -> NodeServiceGrpc.newBlockingStub(forA)
                        .fetchTemplate(ir.flatrender.proto.farm.v1.FetchTemplateRequest.newBuilder()
                                .setSha256("0".repeat(64))
                                .build())
                        .hasNext())
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
    }

    @Test
    @DisplayName("case 4: every request a gateway may send names a tenant_id the orchestrator binds")
    void case4_everyJobRequestHasATenantField() {
        for (Descriptors.MethodDescriptor method : ir.flatrender.proto.farm.v1.JobsProto.getDescriptor()
                .findServiceByName("JobService")
                .getMethods()) {
            assertThat(method.getInputType().findFieldByName("tenant_id"))
                    .as(method.getFullName())
                    .isNotNull();
        }
    }

    private static long nodeRows(String name) {
        return postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery("SELECT count(*) FROM render.nodes WHERE name = :name")
                        .bind("name", name)
                        .mapTo(Long.class)
                        .one());
    }

    private static Status upload(Channel channel, ChunkRef chunk, String nodeId, byte[] segment) throws Exception {
        CompletableFuture<Status> result = new CompletableFuture<>();
        StreamObserver<SegmentUpload> stream = NodeServiceGrpc.newStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .uploadSegment(new StreamObserver<>() {
                    @Override
                    public void onNext(UploadSegmentResponse response) {}

                    @Override
                    public void onError(Throwable error) {
                        result.complete(Status.fromThrowable(error));
                    }

                    @Override
                    public void onCompleted() {
                        result.complete(Status.OK);
                    }
                });
        stream.onNext(SegmentUpload.newBuilder()
                .setHeader(SegmentHeader.newBuilder()
                        .setChunk(chunk)
                        .setNodeId(nodeId)
                        .setFrameCount(60)
                        .addFiles(ir.flatrender.proto.farm.v1.SegmentFile.newBuilder()
                                .setTier("360p")
                                .setSizeBytes(segment.length)
                                .setSha256(Hashing.sha256().hashBytes(segment).toString())))
                .build());
        stream.onNext(
                SegmentUpload.newBuilder().setData(ByteString.copyFrom(segment)).build());
        stream.onCompleted();
        return result.get(30, TimeUnit.SECONDS);
    }
}
