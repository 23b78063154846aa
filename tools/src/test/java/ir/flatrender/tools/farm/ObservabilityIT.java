package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import ir.flatrender.media.observability.MetricsEndpoint;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.node.RenderNode;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.node.engines.aftereffects.FakeAerender;
import ir.flatrender.orchestrator.server.FarmToken;
import ir.flatrender.orchestrator.templates.TemplatePackage;
import ir.flatrender.proto.farm.v1.Job;
import ir.flatrender.proto.farm.v1.JobState;
import ir.flatrender.tools.farm.testing.TestingNodes;
import ir.flatrender.tools.jobs.JobClient;
import ir.flatrender.tools.templates.TemplateClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What dashboards and probes see: {@code flatrender orchestrator} in its own JVM serving
 * Prometheus metrics, liveness and readiness over HTTP, the standard gRPC health service and
 * server reflection; a node's own metrics. The counters are read twice during a render and
 * must have moved.
 */
class ObservabilityIT {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    @TempDir
    static Path directory;

    private static OrchestratorProcess orchestrator;
    private static ManagedChannel channel;
    private static TestingNodes nodes;
    private static RenderNode node;
    private static MetricsEndpoint nodeMetrics;
    private static JobClient jobs;
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        String token = FarmToken.generate();
        orchestrator = new OrchestratorProcess(
                postgres.config(),
                directory.resolve("orchestrator"),
                token,
                List.of("--heartbeat-interval", "1s", "--lease-timeout", "6s"));
        orchestrator.start();
        channel = orchestrator.connect();
        jobs = new JobClient(channel, Duration.ofSeconds(20));
        new TemplateClient(channel, Duration.ofSeconds(30))
                .push(
                        TemplatePackage.fromClassPath(
                                        ObservabilityIT.class.getClassLoader(),
                                        "templates/ae-card",
                                        List.of("template.json", "card.aep"))
                                .toZip(),
                        "");
        nodes = new TestingNodes();
        node = nodes.start(
                orchestrator.target(),
                token,
                "ae-1",
                directory,
                1,
                EngineSettings.timelineOnly().withAerender(FakeAerender.install(directory)),
                c -> c);
        nodeMetrics = MetricsEndpoint.start("127.0.0.1", 0, node.meters(), node::notReady);
    }

    @AfterAll
    static void stop() throws Exception {
        if (nodeMetrics != null) {
            nodeMetrics.close();
        }
        if (nodes != null) {
            nodes.close();
        }
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The sum of a metric's samples whose labels contain the given text (all when empty). */
    private static double value(String scrape, String metric, String labels) {
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*})? ([0-9.eE+-]+)$")
                .matcher(scrape);
        double sum = 0;
        boolean found = false;
        while (sample.find()) {
            if (labels.isEmpty() || (sample.group(1) != null && sample.group(1).contains(labels))) {
                sum += Double.parseDouble(sample.group(2));
                found = true;
            }
        }
        assertThat(found).as("%s{%s} in the scrape", metric, labels).isTrue();
        return sum;
    }

    @Test
    void theCountersMoveDuringARenderAndTheProbesAnswer() throws Exception {
        int port = orchestrator.metricsPort();
        assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get(port, "/readyz");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(get(nodeMetrics.port(), "/readyz").statusCode()).isEqualTo(200);

        String jobId =
                jobs.submit(FarmChecks.slowAeJob(20, 5, "metrics")).getJob().getId();
        FarmChecks.await(jobs, jobId, job -> job.getChunksDone() >= 1, Duration.ofSeconds(60));
        String first = get(port, "/metrics").body();
        String firstNode = get(nodeMetrics.port(), "/metrics").body();
        Job finished = FarmChecks.awaitEnd(jobs, jobId, Duration.ofSeconds(60));
        assertThat(finished.getState()).as(finished.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        String second = get(port, "/metrics").body();
        String secondNode = get(nodeMetrics.port(), "/metrics").body();

        assertThat(value(second, "flatrender_dispatches_total", "aftereffects"))
                .isGreaterThan(value(first, "flatrender_dispatches_total", "aftereffects"));
        assertThat(value(second, "flatrender_chunks_completed_total", "aftereffects"))
                .isEqualTo(4)
                .isGreaterThan(value(first, "flatrender_chunks_completed_total", "aftereffects"));
        assertThat(value(second, "flatrender_frames_rendered_total", "aftereffects"))
                .isEqualTo(20);
        assertThat(value(second, "flatrender_render_seconds_count", "aftereffects"))
                .isGreaterThan(value(first, "flatrender_render_seconds_count", "aftereffects"));
        assertThat(value(second, "flatrender_slot_wait_seconds", "quantile=\"0.99\""))
                .isNotNegative();
        assertThat(value(second, "flatrender_nodes", "state=\"online\"")).isEqualTo(1);
        assertThat(value(second, "grpc_server_requests_received_messages_total", "UploadSegment"))
                .isGreaterThan(value(first, "grpc_server_requests_received_messages_total", "UploadSegment"));
        assertThat(value(second, "jvm_memory_used_bytes", "")).isPositive();
        // The node's template cache: one fetch, then hits.
        assertThat(value(firstNode, "flatrender_node_cache_misses_total", "ae-1"))
                .isEqualTo(1);
        assertThat(value(secondNode, "flatrender_node_cache_hits_total", "ae-1"))
                .isGreaterThan(value(firstNode, "flatrender_node_cache_hits_total", "ae-1"));
        assertThat(value(secondNode, "flatrender_node_connected", "ae-1")).isEqualTo(1);
        assertThat(value(second, "flatrender_crashes_total", "kind=\"hang\"")).isZero();

        // Every series the sample Grafana dashboard queries is one the farm serves.
        String dashboard = java.nio.file.Files.readString(Path.of("grafana", "flatrender-farm.json"));
        Matcher metric =
                Pattern.compile("\\b((?:flatrender|grpc|jvm|process)_[a-z_]+)").matcher(dashboard);
        java.util.Set<String> queried = new java.util.TreeSet<>();
        while (metric.find()) {
            queried.add(metric.group(1));
        }
        assertThat(queried)
                .hasSizeGreaterThan(10)
                .allSatisfy(name -> assertThat(second + secondNode)
                        .as("series %s", name)
                        .containsPattern("(?m)^" + Pattern.quote(name) + "[{ ]"));
    }

    @Test
    void theStandardHealthServiceAndReflectionAnswerCommonTools() throws Exception {
        // No token: load balancers and grpc_health_probe ask without one.
        ManagedChannel bare = NettyChannelBuilder.forTarget(orchestrator.target())
                .usePlaintext()
                .build();
        try {
            HealthCheckResponse overall = HealthGrpc.newBlockingStub(bare)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            assertThat(overall.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            HealthCheckResponse jobService = HealthGrpc.newBlockingStub(bare)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder()
                            .setService("flatrender.farm.v1.JobService")
                            .build());
            assertThat(jobService.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        } finally {
            bare.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }

        CompletableFuture<List<String>> services = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        services.complete(response.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName)
                                .toList());
                    }

                    @Override
                    public void onError(Throwable error) {
                        services.completeExceptionally(error);
                    }

                    @Override
                    public void onCompleted() {}
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        List<String> listed = services.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        assertThat(listed)
                .contains(
                        "flatrender.farm.v1.JobService",
                        "flatrender.farm.v1.NodeService",
                        "flatrender.farm.v1.TemplateService",
                        "flatrender.farm.v1.FarmAdminService",
                        "grpc.health.v1.Health");
    }
}
