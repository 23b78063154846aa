package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.identity.FarmAdmins;
import ir.flatrender.media.ffmpeg.MediaInfo;
import ir.flatrender.migrations.Database;
import ir.flatrender.migrations.DatabaseConfig;
import ir.flatrender.migrations.ServiceRoles;
import ir.flatrender.orchestrator.server.FarmToken;
import ir.flatrender.orchestrator.testing.TestingS3;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.VideoFrames;
import ir.flatrender.tools.farm.hosts.HostPostgres;
import ir.flatrender.tools.farm.hosts.Hosts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: the farm across hosts. Five hosts on one network, each a network namespace of this
 * machine ({@link Hosts}): PostgreSQL and the orchestrator on {@code db}, the S3-compatible
 * store on {@code s3}, a render node on each of {@code node1} and {@code node2}, the gateway on
 * {@code gw}; every process a JVM of its own started as an operator would ({@code flatrender
 * orchestrator|node|gateway}, S3Proxy's jar). The farm speaks mutual TLS with the farm's own CA
 * ({@code flatrender certs init}; each node enrolled with its own certificate); blobs live in
 * the store. A customer's render goes in through the gateway; while node1 renders a chunk, its
 * cable is cut, and plugged back after the orchestrator took the chunk back. The render still
 * ends with every frame, each chunk accepted once, and the video downloads through the gateway.
 */
class MultiHostFarmIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ORCHESTRATOR_PORT = 7600;
    private static final int POSTGRES_PORT = 5432;
    private static final int S3_PORT = 9000;
    private static final int GATEWAY_PORT = 7700;
    private static final String ADMIN = "admin@hosts.example";
    private static final String ADMIN_PASSWORD = "a long admin password";

    /** Kept when the test fails: every process's log is in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path directory;

    private static int cli(StringWriter out, String... args) {
        StringWriter err = new StringWriter();
        int code = FlatRender.run(new PrintWriter(out), new PrintWriter(err), false, args);
        assertThat(code).as("flatrender %s: %s", List.of(args), err).isZero();
        return code;
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    @Test
    @DisplayName("a render through the gateway runs across five hosts over mutual TLS with an S3 store, and ends"
            + " whole when a node's cable is cut mid-chunk and plugged back")
    void aRenderRunsAcrossHostsAndSurvivesACutCable() throws Exception {
        assumeTrue(Hosts.available(), "network namespaces need root and iproute2");
        List<String> names = List.of("db", "s3", "node1", "node2", "gw");
        try (Hosts hosts = Hosts.create(names)) {
            String db = hosts.address("db");
            String s3 = hosts.address("s3");
            String gw = hosts.address("gw");
            String orchestrator = db + ":" + ORCHESTRATOR_PORT;
            Path logs = directory.resolve("logs");

            // The farm's certificates: the orchestrator's names its address on the network.
            Path certs = directory.resolve("certs");
            cli(
                    new StringWriter(),
                    "certs",
                    "init",
                    "--dir",
                    certs.toString(),
                    "--orchestrator-name",
                    db,
                    "--gateway-name",
                    gw);
            String ca = certs.resolve("ca.pem").toString();

            // PostgreSQL on db, for the orchestrator there and the gateway on gw.
            String pgPassword = UUID.randomUUID().toString();
            Process postgres = hosts.start(
                    "db",
                    ChildJvm.java(
                            "256m",
                            HostPostgres.class.getName(),
                            List.of(
                                    directory.resolve("postgres").toString(),
                                    db,
                                    Integer.toString(POSTGRES_PORT),
                                    hosts.network())),
                    Map.of("HOST_PG_PASSWORD", pgPassword),
                    logs.resolve("postgres.log"));
            // Its database made, not only its port open.
            Hosts.awaitLine(logs.resolve("postgres.log"), "PostgreSQL listening", postgres, 120);
            String jdbcUrl = "jdbc:postgresql://" + db + ":" + POSTGRES_PORT + "/farm";
            // As deploy/DEPLOYMENT.md has it: migrated by the database's owner, then each service
            // logs in as a member of its role, which may touch its own schemas only.
            cli(
                    new StringWriter(),
                    "db",
                    "migrate",
                    "--db-url",
                    jdbcUrl,
                    "--db-user",
                    "postgres",
                    "--db-password",
                    pgPassword);
            String orchestratorPassword = UUID.randomUUID().toString();
            String gatewayPassword = UUID.randomUUID().toString();
            String paymentPassword = UUID.randomUUID().toString();
            try (Database owner = Database.connect(
                    DatabaseConfig.of(jdbcUrl)
                            .withCredentials("postgres", pgPassword)
                            .withMaxPoolSize(1),
                    "hosts-roles",
                    JSON)) {
                ServiceRoles.ensureLogin(owner.dataSource(), ServiceRoles.ORCHESTRATOR, "orch", orchestratorPassword);
                ServiceRoles.ensureLogin(owner.dataSource(), ServiceRoles.GATEWAY, "gw", gatewayPassword);
                ServiceRoles.ensureLogin(owner.dataSource(), ServiceRoles.PAYMENT, "pay", paymentPassword);
            }

            // The object store on s3.
            String s3Identity = "farm-" + UUID.randomUUID().toString().substring(0, 8);
            String s3Credential = UUID.randomUUID().toString();
            Process store = hosts.start(
                    "s3",
                    TestingS3.command(
                            Files.createDirectories(directory.resolve("s3")), s3, S3_PORT, s3Identity, s3Credential),
                    Map.of(),
                    logs.resolve("s3proxy.log"));
            Hosts.awaitListening(s3, S3_PORT, store, logs.resolve("s3proxy.log"), 120);

            // The orchestrator on db: mutual TLS, blobs in the store, short leases.
            String farmToken = FarmToken.generate();
            List<String> orchestratorCommand = ChildJvm.flatrender(
                    "512m",
                    List.of(
                            "orchestrator",
                            "--listen",
                            orchestrator,
                            "--data-dir",
                            directory.resolve("orchestrator").toString(),
                            "--db-url",
                            jdbcUrl,
                            "--db-user",
                            "orch",
                            "--tls-cert",
                            certs.resolve("orchestrator.pem").toString(),
                            "--tls-key",
                            certs.resolve("orchestrator-key.pem").toString(),
                            "--tls-client-ca",
                            ca,
                            "--s3-endpoint",
                            "http://" + s3 + ":" + S3_PORT,
                            "--s3-bucket",
                            "farm",
                            "--chunk-frames",
                            "30",
                            "--lease-timeout",
                            "6s",
                            "--heartbeat-interval",
                            "1s",
                            "--metrics-listen",
                            "127.0.0.1:0"));
            Process orchestratorProcess = hosts.start(
                    "db",
                    orchestratorCommand,
                    Map.of(
                            "FLATRENDER_FARM_TOKEN", farmToken,
                            "FLATRENDER_DB_PASSWORD", orchestratorPassword,
                            "FLATRENDER_S3_ACCESS_KEY", s3Identity,
                            "FLATRENDER_S3_SECRET_KEY", s3Credential),
                    logs.resolve("orchestrator.log"));
            Hosts.awaitListening(db, ORCHESTRATOR_PORT, orchestratorProcess, logs.resolve("orchestrator.log"), 180);

            // Enrolment, by an operator on the network presenting a certificate of the farm: each
            // node's token and its own certificate; the gateway's token.
            List<String> operator = List.of(
                    "--orchestrator", orchestrator,
                    "--token", farmToken,
                    "--tls-ca", ca,
                    "--tls-cert", certs.resolve("gateway.pem").toString(),
                    "--tls-key", certs.resolve("gateway-key.pem").toString());
            Map<String, String> nodeTokens = new LinkedHashMap<>();
            for (String node : List.of("node1", "node2")) {
                StringWriter token = new StringWriter();
                List<String> args = new ArrayList<>(List.of("nodes", "enroll", node, "--certs-dir", certs.toString()));
                args.addAll(operator);
                cli(token, args.toArray(String[]::new));
                nodeTokens.put(node, token.toString().strip());
            }
            StringWriter gatewayToken = new StringWriter();
            List<String> enrollGateway = new ArrayList<>(List.of("nodes", "enroll-gateway", "web-1"));
            enrollGateway.addAll(operator);
            cli(gatewayToken, enrollGateway.toArray(String[]::new));

            // A render node on each of node1 and node2, with its own certificate.
            for (String node : nodeTokens.keySet()) {
                hosts.start(
                        node,
                        ChildJvm.flatrender(
                                "384m",
                                List.of(
                                        "node",
                                        "--orchestrator",
                                        orchestrator,
                                        "--name",
                                        node,
                                        "--work-dir",
                                        directory.resolve(node).toString(),
                                        "--tls-ca",
                                        ca,
                                        "--tls-cert",
                                        certs.resolve("nodes")
                                                .resolve(node + ".pem")
                                                .toString(),
                                        "--tls-key",
                                        certs.resolve("nodes")
                                                .resolve(node + "-key.pem")
                                                .toString(),
                                        "--metrics-listen",
                                        "127.0.0.1:0")),
                        Map.of("FLATRENDER_FARM_TOKEN", nodeTokens.get(node)),
                        logs.resolve(node + ".log"));
            }

            // The gateway on gw, to the farm over mutual TLS, to PostgreSQL on db.
            Process gateway = hosts.start(
                    "gw",
                    ChildJvm.flatrender(
                            "384m",
                            List.of(
                                    "gateway",
                                    "--listen",
                                    gw + ":" + GATEWAY_PORT,
                                    "--orchestrator",
                                    orchestrator,
                                    "--data-dir",
                                    directory.resolve("gateway").toString(),
                                    "--db-url",
                                    jdbcUrl,
                                    "--db-user",
                                    "gw",
                                    "--farm-tls-ca",
                                    ca,
                                    "--farm-tls-cert",
                                    certs.resolve("gateway.pem").toString(),
                                    "--farm-tls-key",
                                    certs.resolve("gateway-key.pem").toString(),
                                    // The payment broker, as its own login; no payment is made
                                    // here, so its ZarinPal is an address nothing answers at.
                                    "--zarinpal",
                                    "http://127.0.0.1:9/",
                                    "--zarinpal-merchant",
                                    UUID.randomUUID().toString(),
                                    "--payment-db-user",
                                    "pay")),
                    Map.of(
                            "FLATRENDER_GATEWAY_TOKEN",
                            gatewayToken.toString().strip(),
                            "FLATRENDER_DB_PASSWORD",
                            gatewayPassword,
                            "FLATRENDER_PAYMENT_DB_PASSWORD",
                            paymentPassword),
                    logs.resolve("gateway.log"));
            Hosts.awaitListening(gw, GATEWAY_PORT, gateway, logs.resolve("gateway.log"), 180);

            try (Database database = Database.connect(
                    DatabaseConfig.of(jdbcUrl)
                            .withCredentials("postgres", pgPassword)
                            .withMaxPoolSize(2),
                    "hosts-test",
                    JSON)) {
                Jdbi jdbi = database.jdbi();
                await(
                        "both nodes online",
                        Duration.ofSeconds(120),
                        () -> jdbi.withHandle(h -> h.createQuery(
                                                "SELECT count(*) FROM render.nodes WHERE name IN ('node1', 'node2')"
                                                        + " AND state = 'online' AND connected_at IS NOT NULL")
                                        .mapTo(Long.class)
                                        .one())
                                == 2);
                long[][] before = new long[names.size()][];
                for (int i = 0; i < names.size(); i++) {
                    before[i] = hosts.bytes(names.get(i));
                }

                // A customer signs up on the gateway; the farm's administrator credits the wallet.
                GatewayClient client = new GatewayClient("http://" + gw + ":" + GATEWAY_PORT);
                FarmAdmins.ensure(jdbi, ADMIN, "Admin", ADMIN_PASSWORD);
                String admin = post(
                                client,
                                "/v1/auth/login",
                                null,
                                JSON.createObjectNode()
                                        .put("email", ADMIN)
                                        .put("password", ADMIN_PASSWORD)
                                        .toString(),
                                200)
                        .path("access_token")
                        .asText();
                JsonNode session = post(
                        client,
                        "/v1/auth/signup",
                        null,
                        JSON.createObjectNode()
                                .put("email", "customer@hosts.example")
                                .put("password", "a long password")
                                .put("name", "Customer")
                                .toString(),
                        201);
                String customer = session.path("access_token").asText();
                post(
                        client,
                        "/v1/admin/tenants/" + session.path("tenant_id").asText() + "/credits",
                        admin,
                        "{\"amount_rial\": 100000000, \"reason\": \"multi-host test\"}",
                        200,
                        201);

                long submitted = System.nanoTime();
                JsonNode render = post(
                        client,
                        "/v1/renders",
                        customer,
                        "{\"template\": \"sample-promo\", \"aspect\": \"16:9\", \"tier\": \"1080p\", \"bindings\":"
                                + " {\"title_en\": \"Across hosts\"}}",
                        201);
                String renderId = render.path("id").asText();

                // node1 rendered a chunk that was accepted, and renders another: its cable is cut.
                Map<String, Object> held = new LinkedHashMap<>();
                await("a chunk of node1's accepted and another running there", Duration.ofSeconds(180), () -> {
                    jdbi.withHandle(h -> h.createQuery("""
                                            SELECT f.id, f.attempt FROM render.frame_jobs f
                                            JOIN render.nodes n ON n.id = f.node_id
                                            WHERE n.name = 'node1' AND f.state = 'running'
                                              AND EXISTS (SELECT 1 FROM render.frame_jobs d
                                                          WHERE d.node_id = n.id AND d.state = 'done')
                                            LIMIT 1
                                            """).mapToMap().findOne())
                            .ifPresent(held::putAll);
                    return !held.isEmpty();
                });
                hosts.cut("node1");
                long cutAt = System.nanoTime();
                UUID heldChunk = (UUID) held.get("id");
                long heldAttempt = (Long) held.get("attempt");
                // Plugged back once the orchestrator took that attempt back (its lease ran out).
                await(
                        "node1's attempt " + heldAttempt + " of chunk " + heldChunk + " taken back",
                        Duration.ofSeconds(60),
                        () -> jdbi.withHandle(h -> h.createQuery("""
                                                SELECT count(*) FROM render.node_crashes c
                                                JOIN render.nodes n ON n.id = c.node_id
                                                WHERE n.name = 'node1' AND c.chunk_id = :chunk AND c.attempt = :attempt
                                                """)
                                        .bind("chunk", heldChunk)
                                        .bind("attempt", heldAttempt)
                                        .mapTo(Long.class)
                                        .one())
                                > 0);
                double cutSeconds = (System.nanoTime() - cutAt) / 1e9;
                hosts.restore("node1");
                java.time.OffsetDateTime restoredAt = jdbi.withHandle(h -> h.createQuery("SELECT now()")
                        .mapTo(java.time.OffsetDateTime.class)
                        .one());

                JsonNode done = settled(client, customer, renderId);
                double jobSeconds = (System.nanoTime() - submitted) / 1e9;
                assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("succeeded");

                // The video, through the gateway: every frame.
                Path video = client.download(
                        "/v1/renders/" + renderId + "/download", customer, directory.resolve("across-hosts.mp4"));
                try (VideoFrames frames = new VideoFrames()) {
                    MediaInfo.VideoStream stream = frames.probe(video).video().orElseThrow();
                    assertThat(stream.frameCount()).isEqualTo(300);
                    assertThat(stream.height()).isEqualTo(1080);
                }

                // Each chunk accepted once, of its current attempt; every frame in exactly one.
                String jobId = jdbi.withHandle(h -> h.createQuery("SELECT CAST(id AS text) FROM render.render_jobs")
                        .mapTo(String.class)
                        .one());
                int chunks = jdbi.withHandle(
                        h -> h.createQuery("SELECT chunks_total FROM render.render_jobs WHERE id = CAST(:job AS uuid)")
                                .bind("job", jobId)
                                .mapTo(Integer.class)
                                .one());
                FarmChecks.assertEachChunkAcceptedOnce(jdbi, jobId, chunks);
                FarmChecks.assertFramesCovered(jdbi, jobId);
                // The chunk node1 held when its cable was cut was done by a later attempt.
                Map<String, Object> taken = jdbi.withHandle(
                        h -> h.createQuery("SELECT state, attempt FROM render.frame_jobs WHERE id = :chunk")
                                .bind("chunk", heldChunk)
                                .mapToMap()
                                .one());
                assertThat(taken).containsEntry("state", "done");
                assertThat((Long) taken.get("attempt")).isGreaterThan(heldAttempt);
                // node1 is back on the farm after its cable was plugged back: heard from again.
                await(
                        "node1 heard from after its cable was plugged back",
                        Duration.ofSeconds(120),
                        () -> jdbi.withHandle(h -> h.createQuery("""
                                        SELECT count(*) FROM render.nodes
                                        WHERE name = 'node1' AND state = 'online' AND last_seen_at > :restored
                                        """)
                                        .bind("restored", restoredAt)
                                        .mapTo(Long.class)
                                        .one())
                                == 1);

                StringBuilder moved = new StringBuilder();
                for (int i = 0; i < names.size(); i++) {
                    long[] after = hosts.bytes(names.get(i));
                    moved.append(String.format(
                            " %s %,d KB in, %,d KB out;",
                            names.get(i), (after[0] - before[i][0]) / 1000, (after[1] - before[i][1]) / 1000));
                }
                Map<String, Long> accepted = new java.util.TreeMap<>();
                jdbi.withHandle(h ->
                                h.createQuery("""
                                        SELECT n.name, count(*) AS chunks FROM render.frame_jobs f
                                        JOIN render.nodes n ON n.id = f.node_id
                                        WHERE f.job_id = CAST(:job AS uuid) AND f.state = 'done' GROUP BY n.name
                                        """).bind("job", jobId).mapToMap().list())
                        .forEach(row -> accepted.put((String) row.get("name"), (Long) row.get("chunks")));
                assertThat(accepted).as("chunks accepted from each node").containsOnlyKeys("node1", "node2");
                // The broker, as its own login, made the gateway's client app at start.
                long apps = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM payment.client_apps")
                        .mapTo(Long.class)
                        .one());
                assertThat(apps).as("client apps the broker made").isPositive();
                System.out.printf(
                        "multi-host render: %d chunks (accepted from %s), 300 frames at 1080p in %.1f s from the"
                                + " gateway's order to the settled render; node1's cable cut for %.1f s; bytes on each"
                                + " host's link:%s%n",
                        chunks, accepted, jobSeconds, cutSeconds, moved);
            }
        }
    }

    private static JsonNode post(GatewayClient client, String path, String token, String body, int... expected) {
        GatewayClient.Answer answer = client.post(path, token, body);
        assertThat(answer.status())
                .as("POST %s: %s", path, answer)
                .isIn(java.util.Arrays.stream(expected).boxed().toList());
        return answer.body();
    }

    /** Polls the render until it is settled (succeeded, failed or cancelled). */
    private static JsonNode settled(GatewayClient client, String token, String renderId) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        JsonNode render;
        do {
            render = client.get("/v1/renders/" + renderId, token).body();
            if (Set.of("succeeded", "failed", "cancelled")
                    .contains(render.path("state").asText())) {
                return render;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        } while (System.nanoTime() < deadline);
        throw new AssertionError("render " + renderId + " not settled: " + render);
    }
}
