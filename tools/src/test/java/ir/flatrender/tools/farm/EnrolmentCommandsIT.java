package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import ir.flatrender.migrations.testing.TestingPostgres;
import ir.flatrender.orchestrator.testing.TestingNodeStream;
import ir.flatrender.orchestrator.testing.TestingOrchestrator;
import ir.flatrender.tools.FlatRender;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, case 1 at the command line: the operator enrols a node, which connects with the token
 * printed once, and revokes it, which cuts its stream; the farm token then opens no node stream.
 */
class EnrolmentCommandsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final TestingPostgres postgres = new TestingPostgres();

    private static TestingOrchestrator orchestrator;

    @BeforeAll
    static void start() {
        orchestrator = TestingOrchestrator.start(postgres.database(), config -> config);
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--orchestrator", orchestrator.target(), "--token", orchestrator.token()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FlatRender.run(new PrintWriter(out), new PrintWriter(err), false, all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @DisplayName("case 1: nodes enroll prints the token once, the node connects with it, nodes revoke cuts it")
    void case1_enrolConnectRevoke() throws Exception {
        Run enrolled = run("nodes", "enroll", "render-cli");
        assertThat(enrolled.exitCode()).as(enrolled.err()).isZero();
        String token = enrolled.out().strip();
        assertThat(token).startsWith("frn_").doesNotContainAnyWhitespaces();
        assertThat(enrolled.err()).contains("not shown again");
        // A live name is not enrolled twice by accident.
        Run twice = run("nodes", "enroll", "render-cli");
        assertThat(twice.exitCode()).isNotZero();
        assertThat(twice.err()).contains("already has a live credential");

        TestingNodeStream node = TestingNodeStream.connect(orchestrator.channel(token), "render-cli", 1);
        assertThat(node.next(WAIT).hasWelcome()).isTrue();

        Run listed = run("nodes", "credentials", "-o", "json");
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        // Listed among the farm's credentials (other tests of this class enrol gateways).
        List<JsonNode> nodes = new ArrayList<>();
        JSON.readTree(listed.out()).path("credentials").forEach(credential -> {
            if (credential.path("role").asText().equals("CREDENTIAL_ROLE_NODE")) {
                nodes.add(credential);
            }
        });
        assertThat(nodes).hasSize(1);
        assertThat(nodes.get(0).path("name").asText()).isEqualTo("render-cli");
        assertThat(listed.out()).doesNotContain(token);

        Run revoked = run("nodes", "revoke", "render-cli", "--yes");
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        assertThat(Status.fromThrowable(node.error(Duration.ofSeconds(5))).getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);

        // Neither the revoked token nor the farm token opens a node stream now.
        TestingNodeStream revokedAgain = TestingNodeStream.connect(orchestrator.channel(token), "render-cli", 1);
        assertThat(Status.fromThrowable(revokedAgain.error(WAIT)).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        TestingNodeStream farmToken = TestingNodeStream.connect(orchestrator.channel(), "render-cli", 1);
        assertThat(Status.fromThrowable(farmToken.error(WAIT)).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    @DisplayName(
            "enroll-gateway and revoke answer with -o json: the issued credential (token once), then the revoked one")
    void enrolAndRevokeAnswerInJson() throws Exception {
        Run enrolled = run("nodes", "enroll-gateway", "gateway-json", "-o", "json");
        assertThat(enrolled.exitCode()).as(enrolled.err()).isZero();
        JsonNode issued = JSON.readTree(enrolled.out());
        assertThat(issued.path("token").asText()).startsWith("frg_");
        assertThat(issued.path("credential").path("name").asText()).isEqualTo("gateway-json");
        assertThat(issued.path("credential").path("role").asText()).isEqualTo("CREDENTIAL_ROLE_GATEWAY");

        Run revoked = run("nodes", "revoke", "gateway-json", "--gateway", "--yes", "-o", "json");
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        JsonNode credential = JSON.readTree(revoked.out());
        assertThat(credential.path("id").asText())
                .isEqualTo(issued.path("credential").path("id").asText());
        assertThat(credential.path("revoked_at").asText()).isNotEmpty();
        assertThat(revoked.out()).doesNotContain(issued.path("token").asText());
    }

    @Test
    @DisplayName("issue 21: enroll-console issues the console its frc_ token; credentials lists it; revoke --console")
    void enrolListAndRevokeTheConsole() throws Exception {
        Run enrolled = run("nodes", "enroll-console", "console-cli");
        assertThat(enrolled.exitCode()).as(enrolled.err()).isZero();
        String token = enrolled.out().strip();
        assertThat(token).startsWith("frc_");
        assertThat(enrolled.err()).contains("not shown again");
        // The console's token lists the nodes; it cannot issue credentials.
        ir.flatrender.proto.farm.v1.FarmAdminServiceGrpc.newBlockingStub(orchestrator.channel(token))
                .listNodes(ir.flatrender.proto.farm.v1.ListNodesRequest.getDefaultInstance());

        Run listed = run("nodes", "credentials");
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out().lines().filter(line -> line.contains("console-cli")))
                .singleElement()
                .satisfies(line -> assertThat(line).startsWith("console"));

        Run both = run("nodes", "revoke", "console-cli", "--console", "--gateway", "--yes");
        assertThat(both.exitCode()).isNotZero();
        Run revoked = run("nodes", "revoke", "console-cli", "--console", "--yes", "-o", "json");
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        JsonNode credential = JSON.readTree(revoked.out());
        assertThat(credential.path("role").asText()).isEqualTo("CREDENTIAL_ROLE_CONSOLE");
        assertThat(credential.path("revoked_at").asText()).isNotEmpty();
    }
}
