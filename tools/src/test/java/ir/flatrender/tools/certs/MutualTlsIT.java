package ir.flatrender.tools.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.renders.FarmClient;
import ir.flatrender.media.tls.CertificateFiles;
import ir.flatrender.media.tls.FarmTls;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.node.NodeConfig;
import ir.flatrender.node.RenderNode;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.node.engines.timeline.TimelineFonts;
import ir.flatrender.orchestrator.OrchestratorConfig;
import ir.flatrender.orchestrator.testing.TestingNodeStream;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.proto.farm.v1.FarmAdminServiceGrpc;
import ir.flatrender.proto.farm.v1.ListNodesRequest;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.certs.FarmCertificates.Purpose;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: an orchestrator under mutual TLS with the farm's own CA ({@code flatrender certs}).
 * Who is let in, who is refused, and certificates renewed on disk while everything runs.
 */
class MutualTlsIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    @TempDir
    static Path certs;

    private static TestingOrchestrator orchestrator;
    private static FarmCertificates authority;

    private final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        assertThat(cli("certs", "init", "--dir", certs.toString())).isZero();
        for (String node : List.of("render-a", "render-b", "render-c", "render-e")) {
            assertThat(cli("certs", "node", "--dir", certs.toString(), "--name", node))
                    .isZero();
        }
        authority = FarmCertificates.load(certs.resolve("ca.pem"), certs.resolve("ca-key.pem"));
        orchestrator = TestingOrchestrator.start(
                postgres.database(),
                config -> config.tls(Optional.of(new OrchestratorConfig.Tls(
                        certs.resolve("orchestrator.pem"),
                        certs.resolve("orchestrator-key.pem"),
                        Optional.of(certs.resolve("ca.pem"))))));
    }

    @AfterAll
    static void stop() {
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    @AfterEach
    void closeChannels() {
        channels.forEach(ManagedChannel::shutdownNow);
    }

    private static int cli(String... args) {
        StringWriter err = new StringWriter();
        int code = FlatRender.run(new PrintWriter(new StringWriter()), new PrintWriter(err), false, args);
        assertThat(err.toString()).as("stderr of " + List.of(args)).doesNotContain("error:");
        return code;
    }

    private static CertificateFiles node(String name) {
        return new CertificateFiles(
                certs.resolve("nodes").resolve(name + ".pem"),
                certs.resolve("nodes").resolve(name + "-key.pem"));
    }

    private static CertificateFiles gateway() {
        return new CertificateFiles(certs.resolve("gateway.pem"), certs.resolve("gateway-key.pem"));
    }

    private ChannelCredentials credentials(Optional<CertificateFiles> identity) {
        return FarmTls.channelCredentials(certs.resolve("ca.pem"), identity);
    }

    /** A new channel (so a new connection, a new handshake) that presents {@code token}. */
    private ManagedChannel channel(ChannelCredentials credentials, String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        ManagedChannel channel = NettyChannelBuilder.forTarget(orchestrator.target(), credentials)
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
                .build();
        channels.add(channel);
        return channel;
    }

    private static void listNodes(Channel channel) {
        FarmAdminServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .listNodes(ListNodesRequest.getDefaultInstance());
    }

    /** Writes a certificate for {@code commonName} from {@code issuer} into new files. */
    private static CertificateFiles issued(
            FarmCertificates issuer, String file, String commonName, Instant notBefore, Instant notAfter)
            throws Exception {
        CertificateFiles files = new CertificateFiles(
                certs.resolve("extra").resolve(file + ".pem"),
                certs.resolve("extra").resolve(file + "-key.pem"));
        FarmCertificates.writeIssued(
                issuer.issue(commonName, List.of(), Purpose.CLIENT, notBefore, notAfter),
                files.certificateChain(),
                files.privateKey());
        return files;
    }

    private static void assertRefusedAtTheHandshake(Runnable call) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    @DisplayName("a node with its own certificate connects, and an operator's call with the gateway's certificate"
            + " is answered")
    void aNodeWithItsOwnCertificateConnects() throws Exception {
        String token = orchestrator.enrollNode("render-a");
        try (TestingNodeStream node =
                TestingNodeStream.connect(channel(credentials(Optional.of(node("render-a"))), token), "render-a", 1)) {
            assertThat(node.next(WAIT).hasWelcome()).isTrue();
        }
        listNodes(channel(credentials(Optional.of(gateway())), orchestrator.token()));
    }

    @Test
    @DisplayName("a client checks the orchestrator's name: a certificate for other names is refused")
    void theClientChecksTheServersName() {
        Metadata headers = new Metadata();
        headers.put(
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + orchestrator.token());
        ManagedChannel elsewhere = NettyChannelBuilder.forTarget(
                        orchestrator.target(), credentials(Optional.of(gateway())))
                .overrideAuthority("not-the-farm.example")
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
                .build();
        channels.add(elsewhere);
        assertRefusedAtTheHandshake(() -> listNodes(elsewhere));
    }

    @Test
    @DisplayName("a client without a certificate is refused, whatever token it presents")
    void aClientWithoutACertificateIsRefused() {
        assertRefusedAtTheHandshake(() -> listNodes(channel(credentials(Optional.empty()), orchestrator.token())));
    }

    @Test
    @DisplayName("a certificate signed by another CA is refused, even one naming a node of the farm")
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        FarmCertificates stranger = FarmCertificates.newAuthority(Duration.ofDays(1));
        Instant now = Instant.now();
        CertificateFiles forged =
                issued(stranger, "stranger", "render-a", now.minusSeconds(60), now.plus(Duration.ofDays(1)));
        assertRefusedAtTheHandshake(() -> listNodes(channel(credentials(Optional.of(forged)), orchestrator.token())));
    }

    @Test
    @DisplayName("an expired certificate, and one not valid yet, from the farm's own CA are refused")
    void anExpiredOrNotYetValidCertificateIsRefused() throws Exception {
        Instant now = Instant.now();
        CertificateFiles expired =
                issued(authority, "expired", "render-a", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)));
        assertRefusedAtTheHandshake(() -> listNodes(channel(credentials(Optional.of(expired)), orchestrator.token())));
        CertificateFiles early =
                issued(authority, "early", "render-a", now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)));
        assertRefusedAtTheHandshake(() -> listNodes(channel(credentials(Optional.of(early)), orchestrator.token())));
    }

    @Test
    @DisplayName("a node presenting another node's certificate is refused, with its own token")
    void aNodeWithAnotherNodesCertificateIsRefused() throws Exception {
        String token = orchestrator.enrollNode("render-b");
        TestingNodeStream impostor =
                TestingNodeStream.connect(channel(credentials(Optional.of(node("render-a"))), token), "render-b", 1);
        Status status = Status.fromThrowable(impostor.error(WAIT));
        assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(status.getDescription()).contains("belongs to render-a");

        // The same token with render-b's own certificate is let in.
        try (TestingNodeStream node =
                TestingNodeStream.connect(channel(credentials(Optional.of(node("render-b"))), token), "render-b", 1)) {
            assertThat(node.next(WAIT).hasWelcome()).isTrue();
        }
    }

    @Test
    @DisplayName("the orchestrator's certificate renewed on disk is served on the next connection, no restart")
    void aRenewedServerCertificateIsServedWithoutARestart() throws Exception {
        ChannelCredentials credentials = credentials(Optional.of(gateway()));
        BigInteger before = serverSerial(channel(credentials, orchestrator.token()));
        assertThat(before)
                .isEqualTo(FarmCertificates.readCertificate(certs.resolve("orchestrator.pem"))
                        .getSerialNumber());

        FarmCertificates.Issued renewed =
                authority.issue("orchestrator", List.of("localhost", "127.0.0.1"), Purpose.SERVER, Duration.ofDays(2));
        Path newCertificate = certs.resolve("extra").resolve("orchestrator-new.pem");
        Path newKey = certs.resolve("extra").resolve("orchestrator-new-key.pem");
        FarmCertificates.writeIssued(renewed, newCertificate, newKey);

        // The key first: beside the old certificate it is not loaded, and the old pair still serves.
        Files.move(newKey, certs.resolve("orchestrator-key.pem"), StandardCopyOption.ATOMIC_MOVE);
        assertThat(serverSerial(channel(credentials, orchestrator.token()))).isEqualTo(before);
        // Then the certificate: the next connection gets the new pair.
        Files.move(newCertificate, certs.resolve("orchestrator.pem"), StandardCopyOption.ATOMIC_MOVE);

        BigInteger expected = renewed.certificate().getSerialNumber();
        assertThat(expected).isNotEqualTo(before);
        BigInteger seen = poll(() -> serverSerial(channel(credentials, orchestrator.token())), expected);
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    @DisplayName("a node's certificate renewed on disk is presented on its next connection (same credentials)")
    void aRenewedClientCertificateIsUsedOnTheNextConnection() throws Exception {
        String token = orchestrator.enrollNode("render-c");
        // The node's certificate on disk has run out: it is refused.
        Instant now = Instant.now();
        FarmCertificates.writeIssued(
                authority.issue(
                        "render-c", List.of(), Purpose.CLIENT, now.minus(Duration.ofDays(3)), now.minusSeconds(60)),
                node("render-c").certificateChain(),
                node("render-c").privateKey());
        ChannelCredentials credentials = credentials(Optional.of(node("render-c")));
        TestingNodeStream refused = TestingNodeStream.connect(channel(credentials, token), "render-c", 1);
        assertThat(Status.fromThrowable(refused.error(WAIT)).getCode()).isEqualTo(Status.Code.UNAVAILABLE);

        // Renewed the way an operator does it; the credentials the node built at its start are kept.
        assertThat(cli("certs", "node", "--dir", certs.toString(), "--name", "render-c"))
                .isZero();

        Boolean welcomed = poll(
                () -> {
                    try (TestingNodeStream node =
                            TestingNodeStream.connect(channel(credentials, token), "render-c", 1)) {
                        return node.next(WAIT).hasWelcome();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                },
                true);
        assertThat(welcomed).isTrue();
    }

    @Test
    @DisplayName("the CLI presents --tls-cert/--tls-key; without them it is refused as unreachable")
    void theCliPresentsItsCertificate() {
        List<String> common = List.of(
                "nodes",
                "list",
                "--orchestrator",
                orchestrator.target(),
                "--token",
                orchestrator.token(),
                "--tls-ca",
                certs.resolve("ca.pem").toString());
        List<String> with = new ArrayList<>(common);
        with.addAll(List.of(
                "--tls-cert",
                certs.resolve("gateway.pem").toString(),
                "--tls-key",
                certs.resolve("gateway-key.pem").toString()));
        assertThat(cli(with.toArray(String[]::new))).isZero();

        StringWriter err = new StringWriter();
        int code = FlatRender.run(
                new PrintWriter(new StringWriter()), new PrintWriter(err), false, common.toArray(String[]::new));
        assertThat(code).as(err.toString()).isEqualTo(4);
    }

    @Test
    @DisplayName("nodes enroll --certs-dir hands a node its token and its certificate, and it connects with both")
    void enrolmentSignsTheNodesCertificate() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FlatRender.run(
                new PrintWriter(out),
                new PrintWriter(err),
                false,
                "nodes",
                "enroll",
                "render-d",
                "--certs-dir",
                certs.toString(),
                "--orchestrator",
                orchestrator.target(),
                "--token",
                orchestrator.token(),
                "--tls-ca",
                certs.resolve("ca.pem").toString(),
                "--tls-cert",
                certs.resolve("gateway.pem").toString(),
                "--tls-key",
                certs.resolve("gateway-key.pem").toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("nodes/render-d.pem");
        String token = out.toString().strip();
        try (TestingNodeStream node =
                TestingNodeStream.connect(channel(credentials(Optional.of(node("render-d"))), token), "render-d", 1)) {
            assertThat(node.next(WAIT).hasWelcome()).isTrue();
        }
    }

    @Test
    @DisplayName("a render node configured with --tls-ca, --tls-cert and --tls-key is welcomed")
    void aRenderNodeConnectsWithItsCertificate() throws Exception {
        NodeConfig config = NodeConfig.builder(
                        orchestrator.target(),
                        orchestrator.enrollNode("render-e"),
                        "render-e",
                        certs.resolve("node-render-e"))
                .engines(EngineSettings.timelineOnly())
                .trustedCertificates(Optional.of(certs.resolve("ca.pem")))
                .clientCertificate(Optional.of(node("render-e")))
                .build();
        try (RenderNode node = RenderNode.start(config, TimelineFonts.loadBundled(), new ObjectMapper())) {
            node.welcomed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(node.isConnected()).isTrue();
        }
    }

    @Test
    @DisplayName("the gateway's farm client presents the gateway's certificate; without it the farm is unavailable")
    void theGatewaysFarmClientPresentsItsCertificate() {
        String token = orchestrator.enrollGateway("web-1");
        ManagedChannel with = FarmClient.channel(
                orchestrator.target(), token, Optional.of(certs.resolve("ca.pem")), Optional.of(gateway()));
        channels.add(with);
        assertThat(new FarmClient(with, WAIT).listTemplates()).isNotNull();

        ManagedChannel without = FarmClient.channel(
                orchestrator.target(), token, Optional.of(certs.resolve("ca.pem")), Optional.empty());
        channels.add(without);
        assertThatThrownBy(() -> new FarmClient(without, WAIT).listTemplates())
                .isInstanceOfSatisfying(
                        Problem.class, problem -> assertThat(problem.status()).isEqualTo(503));
    }

    /**
     * Asks until the answer is {@code expected} or the deadline passes (the files are checked
     * at each handshake; this only tolerates a handshake that raced the replacement).
     */
    private static <T> T poll(Supplier<T> ask, T expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        T last = null;
        RuntimeException failure = null;
        while (System.nanoTime() < deadline) {
            try {
                last = ask.get();
                if (expected.equals(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                failure = e;
            }
            Thread.sleep(50);
        }
        if (last == null && failure != null) {
            throw failure;
        }
        return last;
    }

    /** The serial number of the certificate the server presented on this channel's connection. */
    private static BigInteger serverSerial(Channel channel) {
        AtomicReference<SSLSession> session = new AtomicReference<>();
        ClientInterceptor capture = new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(
                    MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                ClientCall<Q, R> call = next.newCall(method, options);
                return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        super.start(
                                new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                                    @Override
                                    public void onHeaders(Metadata received) {
                                        session.set(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                                        super.onHeaders(received);
                                    }
                                },
                                headers);
                    }
                };
            }
        };
        HealthGrpc.newBlockingStub(ClientInterceptors.intercept(channel, capture))
                .withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .check(HealthCheckRequest.getDefaultInstance());
        try {
            return ((X509Certificate) session.get().getPeerCertificates()[0]).getSerialNumber();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new IllegalStateException(e);
        }
    }
}
