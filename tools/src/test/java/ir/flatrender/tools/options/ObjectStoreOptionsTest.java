package ir.flatrender.tools.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ir.flatrender.orchestrator.storage.S3Settings;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ObjectStoreOptionsTest {
    private static ObjectStoreOptions parse(String... arguments) {
        ObjectStoreOptions options = new ObjectStoreOptions();
        new CommandLine(options).parseArgs(arguments);
        return options;
    }

    @Test
    void withoutAnEndpointBlobsStayOnDisk() {
        assertThat(parse().settings(Map.of())).isEmpty();
    }

    @Test
    void theStoreItsKeysFromTheEnvironment() {
        S3Settings settings = parse(
                        "--s3-endpoint", "http://10.0.0.2:9000",
                        "--s3-bucket", "flatrender",
                        "--s3-prefix", "farm-a",
                        "--s3-public-endpoint", "https://files.example.ir",
                        "--s3-part-size", "16m")
                .settings(Map.of(ObjectStoreOptions.ACCESS_KEY, "id", ObjectStoreOptions.SECRET_KEY, "secret"))
                .orElseThrow();
        assertThat(settings.endpoint()).isEqualTo(URI.create("http://10.0.0.2:9000"));
        assertThat(settings.bucket()).isEqualTo("flatrender");
        assertThat(settings.prefix()).isEqualTo("farm-a");
        assertThat(settings.region()).isEqualTo("us-east-1");
        assertThat(settings.accessKey()).contains("id");
        assertThat(settings.secretKey()).contains("secret");
        assertThat(settings.partSize().toBytes()).isEqualTo(16L << 20);
        assertThat(settings.publicEndpoint()).contains(URI.create("https://files.example.ir"));
        assertThat(parse("--s3-endpoint", "http://s3", "--s3-bucket", "farm")
                        .settings(Map.of())
                        .orElseThrow()
                        .accessKey())
                .as("the SDK's default chain")
                .isEqualTo(Optional.empty());
    }

    @Test
    void badCombinationsNameTheirOption() {
        assertThatThrownBy(() -> parse("--s3-endpoint", "http://s3").settings(Map.of()))
                .hasMessageContaining("--s3-bucket");
        assertThatThrownBy(() -> parse("--s3-bucket", "farm").settings(Map.of()))
                .hasMessageContaining("--s3-endpoint");
        assertThatThrownBy(() -> parse("--s3-endpoint", "ftp://s3", "--s3-bucket", "farm")
                        .settings(Map.of()))
                .hasMessageContaining("http or https");
        assertThatThrownBy(() -> parse("--s3-endpoint", "http://s3", "--s3-bucket", "Farm_1")
                        .settings(Map.of()))
                .hasMessageContaining("bucket");
        assertThatThrownBy(() -> parse("--s3-endpoint", "http://s3", "--s3-bucket", "farm", "--s3-part-size", "1m")
                        .settings(Map.of()))
                .hasMessageContaining("part size");
        assertThatThrownBy(() -> parse("--s3-endpoint", "http://s3", "--s3-bucket", "farm")
                        .settings(Map.of(ObjectStoreOptions.ACCESS_KEY, "id")))
                .hasMessageContaining(ObjectStoreOptions.SECRET_KEY);
        assertThatThrownBy(() -> parse("--s3-endpoint", "http://s3", "--s3-bucket", "farm", "--s3-prefix", "../x")
                        .settings(Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
