package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.Gateway;
import ir.flatrender.gateway.GatewayConfig;
import ir.flatrender.gateway.identity.AccessTokens;
import ir.flatrender.gateway.identity.FarmAdmins;
import ir.flatrender.migrations.ServiceRoles;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.node.engines.EngineSettings;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.tools.farm.testing.TestingNodes;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operators' console's API over real HTTP against an orchestrator with two nodes (issue
 * 21): the gateway calls the farm with a console credential of its own; administrators see and
 * steer nodes and every tenant's jobs, each action audited; members, API keys and strangers
 * are refused; a gateway without a console credential says so.
 */
class ConsoleIT {
    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    @TempDir
    static Path directory;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "console-admin@farm.test";
    private static final String ADMIN_PASSWORD = "admin password 1";
    private static final byte[] MASTER_KEY = ir.flatrender.gateway.identity.SecretBox.generateKey();
    private static TestingOrchestrator orchestrator;
    private static TestingNodes nodes;
    private static Gateway gateway;
    private static Gateway withoutConsole;
    private static ir.flatrender.migrations.Database gatewayDatabase;
    private static GatewayClient client;
    private static String adminToken;

    @BeforeAll
    static void start() {
        orchestrator = TestingOrchestrator.start(postgres.database(), config -> config.installSamples(true));
        nodes = new TestingNodes();
        nodes.start(orchestrator, "node-a", directory, 1, EngineSettings.timelineOnly());
        nodes.start(orchestrator, "node-b", directory, 1, EngineSettings.timelineOnly());
        Map<String, byte[]> keys = AccessTokens.generateKeys();
        ServiceRoles.ensureLogin(postgres.database().dataSource(), ServiceRoles.GATEWAY, "console_it", "pw");
        gatewayDatabase = ir.flatrender.migrations.Database.connect(
                ServiceRoles.loginConfig(postgres.config(), "console_it", "pw"), "console_it", JSON);
        GatewayConfig.Builder config = GatewayConfig.builder(
                        orchestrator.target(), orchestrator.enrollGateway("gateway"), keys, MASTER_KEY)
                .listen("127.0.0.1", 0);
        gateway = Gateway.startMigrated(
                config.consoleToken(Optional.of(orchestrator.enrollConsole("console")))
                        .build(),
                gatewayDatabase,
                JSON);
        withoutConsole =
                Gateway.startMigrated(config.consoleToken(Optional.empty()).build(), gatewayDatabase, JSON);
        client = new GatewayClient(gateway.port());
        FarmAdmins.ensure(postgres.database().jdbi(), ADMIN, "Admin", ADMIN_PASSWORD);
        adminToken = login(client, ADMIN).path("access_token").asText();
    }

    @AfterAll
    static void stop() {
        withoutConsole.close();
        gateway.close();
        gatewayDatabase.close();
        nodes.close();
        orchestrator.close();
    }

    private static JsonNode login(GatewayClient on, String email) {
        GatewayClient.Answer answer = on.post(
                "/v1/auth/login",
                null,
                JSON.createObjectNode()
                        .put("email", email)
                        .put("password", ADMIN_PASSWORD)
                        .toString());
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.body();
    }

    private static JsonNode signUp() {
        GatewayClient.Answer answer = client.post(
                "/v1/auth/signup",
                null,
                JSON.createObjectNode()
                        .put("email", "member-" + UUID.randomUUID() + "@example.com")
                        .put("password", "a long password")
                        .put("name", "Member")
                        .toString());
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
        return answer.body();
    }

    private static JsonNode ok(GatewayClient.Answer answer) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.body();
    }

    private static JsonNode node(String name) {
        for (JsonNode node : ok(client.get("/v1/admin/farm/nodes", adminToken)).path("nodes")) {
            if (node.path("name").asText().equals(name)) {
                return node;
            }
        }
        throw new AssertionError("no node " + name);
    }

    private static List<Map<String, Object>> audit(String action) {
        return postgres.database()
                .jdbi()
                .withHandle(handle -> handle.createQuery(
                                "SELECT action, target, details::text AS details FROM identity.audit_log"
                                        + " WHERE action = :action ORDER BY id")
                        .bind("action", action)
                        .mapToMap()
                        .list());
    }

    @Test
    void anAdministratorSeesBothNodesWithTheirSamplesAndDrainsOneAudited() {
        TestingNodes.eventually(Duration.ofSeconds(30), () -> {
            JsonNode a = node("node-a");
            assertThat(a.path("state").asText()).isEqualTo("online");
            assertThat(a.path("connected").asBoolean()).isTrue();
            assertThat(a.path("slots").asInt()).isEqualTo(1);
            assertThat(a.path("engines").toString()).contains("timeline");
            assertThat(a.path("resources").path("memory_total_bytes").asLong()).isPositive();
            assertThat(node("node-b").path("state").asText()).isEqualTo("online");
        });

        GatewayClient.Answer drained =
                client.post("/v1/admin/farm/nodes/node-b/drain", adminToken, "{\"reason\": \"disk swap\"}");
        assertThat(ok(drained).path("state").asText()).isEqualTo("draining");
        assertThat(audit("farm.node.drain")).anySatisfy(row -> {
            assertThat(row.get("target")).isEqualTo("node:node-b");
            assertThat((String) row.get("details")).contains("disk swap");
        });
        assertThat(ok(client.post("/v1/admin/farm/nodes/node-b/enable", adminToken, ""))
                        .path("state")
                        .asText())
                .isEqualTo("online");
        assertThat(audit("farm.node.enable")).isNotEmpty();

        JsonNode health = ok(client.get("/v1/admin/farm/nodes/node-a/health?limit=50", adminToken));
        assertThat(health.path("node").asText()).isEqualTo("node-a");
        assertThat(health.path("samples").isArray()).isTrue();

        assertThat(client.get("/v1/admin/farm/nodes/no-such-node", adminToken).status())
                .isEqualTo(404);
    }

    @Test
    void aMembersRenderShowsInTheJobsWithItsChunksAndTheLiveFeedSendsIt() throws Exception {
        JsonNode member = signUp();
        String tenant = member.path("tenant_id").asText();
        assertThat(client.post(
                                "/v1/admin/tenants/" + tenant + "/credits",
                                adminToken,
                                "{\"amount_rial\": 1000000, \"reason\": \"console test\"}")
                        .status())
                .isEqualTo(201);
        GatewayClient.Answer created = client.post(
                "/v1/renders",
                member.path("access_token").asText(),
                "{\"template\": \"sample-promo\", \"aspect\": \"16:9\", \"tier\": \"360p\", \"bindings\":"
                        + " {\"title_en\": \"Console\"}}",
                "console-1");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        JsonNode jobs = ok(client.get("/v1/admin/farm/jobs?tenant=" + tenant, adminToken));
        assertThat(jobs.path("jobs")).hasSize(1);
        String jobId = jobs.path("jobs").get(0).path("id").asText();
        assertThat(jobs.path("jobs").get(0).path("template_id").asText()).isEqualTo("sample-promo");

        // The live feed of the job: its first event at once, with the chunks.
        JsonNode first = JSON.readTree(firstEvent("/v1/admin/farm/events?job=" + jobId, "job"));
        assertThat(first.path("id").asText()).isEqualTo(jobId);
        assertThat(first.path("chunks").isArray()).isTrue();
        JsonNode farm = JSON.readTree(firstEvent("/v1/admin/farm/events", "farm"));
        assertThat(farm.path("nodes")).hasSize(2);

        TestingNodes.eventually(Duration.ofSeconds(60), () -> {
            JsonNode job = ok(client.get("/v1/admin/farm/jobs/" + jobId, adminToken));
            assertThat(job.path("state").asText()).isEqualTo("succeeded");
            assertThat(job.path("chunks")).isNotEmpty().allSatisfy(chunk -> {
                assertThat(chunk.path("state").asText()).isEqualTo("done");
                assertThat(chunk.path("node_name").asText()).isIn("node-a", "node-b");
                assertThat(chunk.path("started_at").asText()).isNotEmpty();
                assertThat(chunk.path("finished_at").asText()).isNotEmpty();
            });
        });
        // A job that ended cannot be paused: a conflict, not a farm error.
        assertThat(client.post("/v1/admin/farm/jobs/" + jobId + "/pause", adminToken, "")
                        .status())
                .isEqualTo(409);
        GatewayClient.Answer badState = client.get("/v1/admin/farm/jobs?state=sleeping", adminToken);
        assertThat(badState.status()).isEqualTo(400);
        assertThat(badState.body().toString()).contains("state");

        JsonNode tenants = ok(client.get("/v1/admin/tenants?q=Member&page_size=200", adminToken));
        assertThat(tenants.path("tenants")).anySatisfy(row -> {
            assertThat(row.path("id").asText()).isEqualTo(tenant);
            assertThat(row.path("balance_rial").asLong()).isPositive();
        });
        JsonNode moved =
                ok(client.post("/v1/admin/tenants/" + tenant + "/plan", adminToken, "{\"plan\": \"business\"}"));
        assertThat(moved.path("plan").asText()).isEqualTo("business");
        assertThat(audit("tenant.plan_changed"))
                .anySatisfy(row -> assertThat(row.get("target")).isEqualTo("tenant:" + tenant));
        GatewayClient.Answer unknown =
                client.post("/v1/admin/tenants/" + tenant + "/plan", adminToken, "{\"plan\": \"gold\"}");
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.body().toString()).contains("plan");
    }

    @Test
    void theTemplatesAdminPushesHidesRevisesAndHasTheFarmRenderCatalogMedia() throws Exception {
        TemplatesAdminChecks templates = new TemplatesAdminChecks(client, adminToken);
        templates.pushesAndRefuses();
        templates.hidesAndShows();
        templates.refusesBadRevisions();
        templates.rendersCatalogMedia();
        assertThat(audit("template.pushed")).hasSize(3);
        assertThat(audit("template.hidden"))
                .singleElement()
                .satisfies(row -> assertThat(row.get("target")).isEqualTo("template:console-promo"));
        assertThat(audit("template.media_rendered")).isNotEmpty();
        String member = signUp().path("access_token").asText();
        assertThat(templates
                        .push(TemplatesAdminChecks.samplePackage("member-push"), "application/zip", member)
                        .status())
                .isEqualTo(403);
    }

    @Test
    void membersApiKeysAndStrangersAreRefusedAndAGatewayWithoutAConsoleCredentialSaysSo() {
        JsonNode member = signUp();
        String token = member.path("access_token").asText();
        GatewayClient.Answer key =
                client.post("/v1/api-keys", token, "{\"name\": \"script\", \"scopes\": [\"renders:read\"]}");
        assertThat(key.status()).as(key.toString()).isEqualTo(201);
        String apiKey = key.body().path("key").asText();
        for (String path : List.of("/v1/admin/farm/nodes", "/v1/admin/farm/jobs", "/v1/admin/tenants")) {
            assertThat(client.get(path, token).status())
                    .as("%s as a member", path)
                    .isEqualTo(403);
            assertThat(client.get(path, apiKey).status())
                    .as("%s with an API key", path)
                    .isEqualTo(403);
            assertThat(client.get(path, null).status())
                    .as("%s with nothing", path)
                    .isEqualTo(401);
        }
        assertThat(client.post("/v1/admin/farm/nodes/node-a/drain", token, "").status())
                .isEqualTo(403);
        assertThat(node("node-a").path("state").asText()).isEqualTo("online");

        GatewayClient plain = new GatewayClient(withoutConsole.port());
        String admin = login(plain, ADMIN).path("access_token").asText();
        GatewayClient.Answer unconfigured = plain.get("/v1/admin/farm/nodes", admin);
        assertThat(unconfigured.status()).isEqualTo(503);
        assertThat(unconfigured.body().path("detail").asText()).contains("console");
        assertThat(plain.get("/v1/admin/farm/nodes", token).status()).isEqualTo(403);
    }

    /** The first event named {@code name} on a stream that stays open: its data. */
    private static String firstEvent(String path, String name) throws Exception {
        HttpResponse<InputStream> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                                .header("Authorization", "Bearer " + adminToken)
                                .header("Accept", "text/event-stream")
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ") && name.equals(event)) {
                    return line.substring(6);
                }
            }
        }
        throw new AssertionError("the stream " + path + " ended without a " + name + " event");
    }
}
