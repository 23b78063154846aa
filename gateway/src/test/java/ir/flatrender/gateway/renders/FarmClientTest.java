package ir.flatrender.gateway.renders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.proto.farm.v1.CancelJobRequest;
import ir.flatrender.proto.farm.v1.GetJobRequest;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobServiceGrpc;
import ir.flatrender.proto.farm.v1.ListTemplatesRequest;
import ir.flatrender.proto.farm.v1.ListTemplatesResponse;
import ir.flatrender.proto.farm.v1.SubmitJobRequest;
import ir.flatrender.proto.farm.v1.SubmitJobResponse;
import ir.flatrender.proto.farm.v1.TemplateServiceGrpc;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, case 4 on the gateway's side: it presents its own credential and names the tenant on
 * every call, and it can reach the orchestrator over TLS. A real gRPC server on loopback stands
 * in for the orchestrator and records what arrives.
 */
class FarmClientTest {
    private static final String CREDENTIAL = "frg_the-gateways-own-credential";
    private static final String TENANT = "6a1f3f5e-0c2d-4f6e-9d0a-5a8b3c1d2e4f";

    private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    private int start(ServerCredentials credentials) throws Exception {
        ServerInterceptor recorder = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String authorization = headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER));
                String tenant = headers.get(FarmClient.TENANT);
                received.add(Map.of(
                        "method", call.getMethodDescriptor().getFullMethodName(),
                        "authorization", String.valueOf(authorization),
                        "tenant", String.valueOf(tenant)));
                return next.startCall(call, headers);
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials)
                .addService(ServerInterceptors.intercept(new Jobs(), recorder))
                .addService(ServerInterceptors.intercept(new Templates(), recorder))
                .build()
                .start();
        return server.getPort();
    }

    @Test
    @DisplayName("case 4: every call presents the gateway's credential and names its tenant")
    void case4_everyCallNamesItsTenant() throws Exception {
        int port = start(InsecureServerCredentials.create());
        channel = FarmClient.channel("127.0.0.1:" + port, CREDENTIAL, Optional.empty());
        FarmClient farm = new FarmClient(channel, Duration.ofSeconds(10));

        farm.submit(SubmitJobRequest.newBuilder().setTenantId(TENANT).build());
        farm.get(TENANT, "job-1");
        farm.cancel(TENANT, "job-1", "changed my mind");
        farm.listTemplates();

        assertThat(received).hasSize(4);
        assertThat(received)
                .allSatisfy(call -> assertThat(call).containsEntry("authorization", "Bearer " + CREDENTIAL));
        assertThat(received.subList(0, 3)).allSatisfy(call -> assertThat(call).containsEntry("tenant", TENANT));
        // The shared catalog is read as the tenant that owns it.
        assertThat(received.get(3)).containsEntry("tenant", FarmClient.CATALOG_TENANT);
    }

    @Test
    @DisplayName("case 4: the gateway reaches the orchestrator over TLS, checking its certificate")
    void case4_tlsToTheOrchestrator() throws Exception {
        Path certificate = resource("tls/farm.crt");
        int port = start(TlsServerCredentials.create(
                certificate.toFile(), resource("tls/farm.key").toFile()));

        channel = FarmClient.channel("localhost:" + port, CREDENTIAL, Optional.of(certificate));
        Job job = new FarmClient(channel, Duration.ofSeconds(10)).get(TENANT, "job-1");
        assertThat(job.getId()).isEqualTo("job-1");
        assertThat(received).singleElement().satisfies(call -> assertThat(call).containsEntry("tenant", TENANT));

        // A plain-text client gets nowhere with a TLS orchestrator: the setting is really used.
        ManagedChannel plain = FarmClient.channel("localhost:" + port, CREDENTIAL, Optional.empty());
        try {
            assertThatThrownBy(() -> new FarmClient(plain, Duration.ofSeconds(5)).get(TENANT, "job-1"))
                    .isInstanceOfSatisfying(
                            Problem.class,
                            problem -> assertThat(problem.status()).isEqualTo(503));
        } finally {
            plain.shutdownNow();
        }
    }

    @Test
    void theGatewaySpeaksPlainTextToTheFarmUnlessGivenCaCertificates() {
        ir.flatrender.gateway.GatewayConfig config = ir.flatrender.gateway.GatewayConfig.defaults(
                "farm:7600", CREDENTIAL, Map.of("k1", new byte[32]), new byte[32]);
        assertThat(config.farm().trustCertificates()).isEmpty();
        assertThat(config.toBuilder()
                        .farmTrustCertificates(java.util.Optional.of(Path.of("/etc/flatrender/ca.pem")))
                        .build()
                        .farm()
                        .trustCertificates())
                .contains(Path.of("/etc/flatrender/ca.pem"));
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(FarmClientTest.class.getResource("/" + name).toURI());
    }

    private static final class Jobs extends JobServiceGrpc.JobServiceImplBase {
        @Override
        public void submitJob(SubmitJobRequest request, StreamObserver<SubmitJobResponse> responses) {
            responses.onNext(SubmitJobResponse.newBuilder()
                    .setJob(Job.newBuilder().setId("job-1"))
                    .build());
            responses.onCompleted();
        }

        @Override
        public void getJob(GetJobRequest request, StreamObserver<Job> responses) {
            responses.onNext(Job.newBuilder().setId(request.getJobId()).build());
            responses.onCompleted();
        }

        @Override
        public void cancelJob(CancelJobRequest request, StreamObserver<Job> responses) {
            responses.onNext(Job.newBuilder().setId(request.getJobId()).build());
            responses.onCompleted();
        }
    }

    private static final class Templates extends TemplateServiceGrpc.TemplateServiceImplBase {
        @Override
        public void listTemplates(ListTemplatesRequest request, StreamObserver<ListTemplatesResponse> responses) {
            responses.onNext(ListTemplatesResponse.getDefaultInstance());
            responses.onCompleted();
        }
    }
}
