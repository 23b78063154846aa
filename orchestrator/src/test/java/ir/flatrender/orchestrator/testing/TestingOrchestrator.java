package ir.flatrender.orchestrator.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import ir.flatrender.media.ffmpeg.FfmpegBinaries;
import ir.flatrender.migrations.Database;
import ir.flatrender.orchestrator.Orchestrator;
import ir.flatrender.orchestrator.OrchestratorConfig;
import ir.flatrender.orchestrator.jobs.JobsConfig;
import ir.flatrender.orchestrator.server.FarmToken;
import ir.flatrender.orchestrator.templates.InstalledTemplate;
import ir.flatrender.orchestrator.templates.TemplatePackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A real orchestrator for tests: on a free loopback port, with a temporary data directory and
 * the test class's database, reached through real gRPC channels.
 */
public final class TestingOrchestrator implements AutoCloseable {
    public static final UUID DEFAULT_TENANT = UUID.fromString("00000000-0000-0000-0000-000000000001");

    private final Orchestrator orchestrator;
    private final Path dataDirectory;
    private final String token;
    private final List<ManagedChannel> channels = new ArrayList<>();

    private TestingOrchestrator(Orchestrator orchestrator, Path dataDirectory, String token) {
        this.orchestrator = orchestrator;
        this.dataDirectory = dataDirectory;
        this.token = token;
    }

    public static TestingOrchestrator start(Database database, UnaryOperator<OrchestratorConfig.Builder> customize) {
        try {
            Path data = Files.createTempDirectory("orchestrator-test-");
            String token = FarmToken.generate();
            OrchestratorConfig config = customize
                    .apply(OrchestratorConfig.builder(data, token)
                            .listen("127.0.0.1", 0)
                            // Fixed 30-frame chunks: tests of chunk-level behaviour count on
                            // them; ChunkSizingIT sizes from the farm.
                            .jobs(JobsConfig.fixedChunks(30))
                            .installSamples(false))
                    .build();
            Orchestrator orchestrator = Orchestrator.start(
                    config, database, FfmpegBinaries.locate(Optional.empty(), Optional.empty()), new ObjectMapper());
            return new TestingOrchestrator(orchestrator, data, token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Installs a template package kept in the test resources under {@code templates/<name>}. */
    public InstalledTemplate installTestTemplate(String name) {
        try {
            Path directory = Path.of(TestingOrchestrator.class
                            .getResource("/templates/" + name + "/template.json")
                            .toURI())
                    .getParent();
            return orchestrator
                    .templates()
                    .install(TemplatePackage.fromDirectory(directory, 1 << 24), DEFAULT_TENANT)
                    .template();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Installs a template package from class-path resources under {@code templates/<name>},
     * naming its files (resources in a jar cannot be listed).
     */
    public InstalledTemplate installTestTemplate(String name, List<String> files) {
        return orchestrator
                .templates()
                .install(
                        TemplatePackage.fromClassPath(
                                TestingOrchestrator.class.getClassLoader(), "templates/" + name, files),
                        DEFAULT_TENANT)
                .template();
    }

    public Orchestrator orchestrator() {
        return orchestrator;
    }

    public String target() {
        return "127.0.0.1:" + orchestrator.port();
    }

    public String token() {
        return token;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /**
     * Enrols a node and answers its token (a live credential of that name is replaced, as
     * {@code flatrender nodes enroll NAME --replace} does).
     */
    public String enrollNode(String name) {
        return orchestrator
                .credentials()
                .issue(ir.flatrender.orchestrator.server.Caller.Role.NODE, name, true)
                .token();
    }

    /** Issues a gateway's credential and answers its token. */
    public String enrollGateway(String name) {
        return orchestrator
                .credentials()
                .issue(ir.flatrender.orchestrator.server.Caller.Role.GATEWAY, name, true)
                .token();
    }

    /** Issues the operators' console's credential and answers its token. */
    public String enrollConsole(String name) {
        return orchestrator
                .credentials()
                .issue(ir.flatrender.orchestrator.server.Caller.Role.CONSOLE, name, true)
                .token();
    }

    /** A channel that presents a gateway's token and names a tenant on every call. */
    public ManagedChannel channel(String presented, UUID tenant) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + presented);
        headers.put(Metadata.Key.of("flatrender-tenant", Metadata.ASCII_STRING_MARSHALLER), tenant.toString());
        ManagedChannel channel = NettyChannelBuilder.forTarget(target())
                .usePlaintext()
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
                .build();
        channels.add(channel);
        return channel;
    }

    /** A channel that presents the farm token. */
    public ManagedChannel channel() {
        return channel(token);
    }

    /** A channel that presents the given token (or none when null). */
    public ManagedChannel channel(String presented) {
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target()).usePlaintext();
        if (presented != null) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + presented);
            builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        ManagedChannel channel = builder.build();
        channels.add(channel);
        return channel;
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        orchestrator.close();
        try {
            com.google.common.io.MoreFiles.deleteRecursively(
                    dataDirectory, com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dataDirectory, e);
        }
    }
}
