package ir.flatrender.tools.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.tools.FlatRender;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the console's browser tests did, checked outside the browser (issue 21): the node the
 * page drained takes no work (the CLI's JSON), the job the page cancelled lost its engine
 * processes (the process table), and a plain member is refused every admin route the OpenAPI
 * document lists.
 *
 * <p>The console spec leaves {@value #FILE}: {@code drained_node}, {@code drained_at} (when the
 * page showed it draining), {@code cancelled_job} and {@code cancelled_at} (when the click
 * was confirmed).
 */
final class ConsoleChecks {
    static final String FILE = "console.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConsoleChecks() {}

    static void check(DevFarm farm, Path artifacts, EngineWatch engines) throws Exception {
        Path file = artifacts.resolve(FILE);
        assertThat(file)
                .as("web/e2e/console.spec.ts passed but left no %s in %s", FILE, artifacts)
                .exists();
        JsonNode done = JSON.readTree(Files.readString(file));
        drainedNodeTakesNoWork(
                farm,
                done.path("drained_node").asText(),
                Instant.parse(done.path("drained_at").asText()));
        cancelledJobLostItsEngines(
                farm,
                done.path("cancelled_job").asText(),
                Instant.parse(done.path("cancelled_at").asText()),
                engines);
        aMemberIsRefusedEveryAdminRoute(farm);
    }

    /** {@code flatrender ARGS -o json} against the dev farm, as an operator: its answer. */
    private static JsonNode cli(DevFarm farm, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of("-o", "json", "--orchestrator", farm.orchestrator(), "--token", farm.farmToken()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FlatRender.run(new PrintWriter(out), new PrintWriter(err), false, command.toArray(String[]::new));
        assertThat(code)
                .as("flatrender %s:\n%s%s", String.join(" ", command), out, err)
                .isZero();
        return JSON.readTree(out.toString());
    }

    private static String field(JsonNode node, String camel, String snake) {
        return node.has(camel) ? node.path(camel).asText() : node.path(snake).asText();
    }

    /** The drained node is draining, and no chunk of a job made after the drain ran on it. */
    private static void drainedNodeTakesNoWork(DevFarm farm, String node, Instant drainedAt) throws IOException {
        assertThat(node).as("console.json names the node the page drained").isNotBlank();
        JsonNode nodes = cli(farm, "nodes", "list").path("nodes");
        JsonNode drained = null;
        for (JsonNode each : nodes) {
            if (each.path("name").asText().equals(node)) {
                drained = each;
            }
        }
        assertThat(drained).as("nodes list names %s: %s", node, nodes).isNotNull();
        assertThat(drained.path("state").asText()).isEqualTo("NODE_STATE_DRAINING");
        JsonNode jobs = cli(farm, "jobs", "list", "--since", drainedAt.toString(), "--limit", "200")
                .path("jobs");
        int checked = 0;
        for (JsonNode job : jobs) {
            String id = job.path("id").asText();
            JsonNode shown = cli(farm, "jobs", "show", id);
            JsonNode chunks = shown.has("job") ? shown.path("job").path("chunks") : shown.path("chunks");
            for (JsonNode chunk : chunks) {
                assertThat(field(chunk, "nodeName", "node_name"))
                        .as("a chunk of job %s (made after %s was drained at %s)", id, node, drainedAt)
                        .isNotEqualTo(node);
                checked++;
            }
        }
        System.out.printf(
                "[web-e2e] console: %s is draining; %d chunk(s) of %d job(s) made since %s ran elsewhere%n",
                node, checked, jobs.size(), drainedAt);
    }

    /**
     * The cancelled job is cancelled, engine processes ran just before the click, and within
     * 15 s of it none is left.
     */
    private static void cancelledJobLostItsEngines(DevFarm farm, String jobId, Instant cancelledAt, EngineWatch engines)
            throws IOException {
        assertThat(jobId).as("console.json names the job the page cancelled").isNotBlank();
        JsonNode shown = cli(farm, "jobs", "show", jobId);
        JsonNode job = shown.has("job") ? shown.path("job") : shown;
        assertThat(job.path("state").asText()).isEqualTo("JOB_STATE_CANCELLED");
        List<EngineWatch.Sample> before = engines.between(cancelledAt.minusSeconds(20), Duration.ofSeconds(20));
        assertThat(before)
                .as("engine processes ran while the job rendered, before the cancel at %s", cancelledAt)
                .anySatisfy(s -> assertThat(s.engines()).isPositive());
        List<EngineWatch.Sample> after = engines.between(cancelledAt, Duration.ofSeconds(15));
        assertThat(after)
                .as("within 15 s of the cancel at %s, no engine process is left: %s", cancelledAt, after)
                .anySatisfy(s -> assertThat(s.engines()).isZero());
        int most = before.stream().mapToInt(EngineWatch.Sample::engines).max().orElse(0);
        Instant gone = after.stream()
                .filter(s -> s.engines() == 0)
                .findFirst()
                .orElseThrow()
                .at();
        System.out.printf(
                "[web-e2e] console: job %s cancelled at %s; up to %d engine process(es) before, none %d ms after%n",
                jobId, cancelledAt, most, Duration.between(cancelledAt, gone).toMillis());
    }

    /**
     * Every route under /v1/admin the OpenAPI document lists, with a plain member's access
     * token: 403 problem+json, and 401 with none.
     */
    private static void aMemberIsRefusedEveryAdminRoute(DevFarm farm) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String base = farm.gatewayUrl();
        HttpResponse<String> signup = http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/auth/signup"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode()
                                .put("email", "member-" + UUID.randomUUID() + "@example.com")
                                .put("password", "a long enough password")
                                .put("name", "Member")
                                .toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signup.statusCode()).as(signup.body()).isEqualTo(201);
        String token = JSON.readTree(signup.body()).path("access_token").asText();
        JsonNode document = JSON.readTree(http.send(
                        HttpRequest.newBuilder(URI.create(base + "/openapi.json"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        int routes = 0;
        Iterator<Map.Entry<String, JsonNode>> paths =
                document.path("paths").properties().iterator();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().startsWith("/v1/admin/")) {
                continue;
            }
            String concrete =
                    path.getKey().replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next().toUpperCase(java.util.Locale.ROOT);
                if (method.equals("PARAMETERS")) {
                    continue;
                }
                for (String credential : new String[] {token, null}) {
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + concrete))
                            .header("Content-Type", "application/json")
                            .method(
                                    method,
                                    method.equals("GET")
                                            ? HttpRequest.BodyPublishers.noBody()
                                            : HttpRequest.BodyPublishers.ofString("{}"));
                    if (credential != null) {
                        request.header("Authorization", "Bearer " + credential);
                    }
                    HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                    int expected = credential == null ? 401 : 403;
                    assertThat(answer.statusCode())
                            .as(
                                    "%s %s as %s: %s",
                                    method, concrete, credential == null ? "nobody" : "a member", answer.body())
                            .isEqualTo(expected);
                    assertThat(answer.headers().firstValue("Content-Type").orElse(""))
                            .startsWith("application/problem+json");
                }
                routes++;
            }
        }
        assertThat(routes).as("admin routes in the OpenAPI document").isGreaterThanOrEqualTo(20);
        System.out.printf("[web-e2e] console: a member got 403 (and nobody 401) on all %d admin routes%n", routes);
    }
}
