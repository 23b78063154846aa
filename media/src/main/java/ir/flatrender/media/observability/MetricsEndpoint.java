package ir.flatrender.media.observability;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of a farm process (orchestrator or node), beside its gRPC port: Prometheus
 * metrics at {@code /metrics}, liveness at {@code /healthz} (the process answers) and
 * readiness at {@code /readyz} (200 when it can do its work, 503 saying why not). Served by
 * the JDK's own HTTP server on two threads of its own.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final JvmGcMetrics gc;

    private MetricsEndpoint(HttpServer server, ExecutorService executor, JvmGcMetrics gc) {
        this.server = server;
        this.executor = executor;
        this.gc = gc;
    }

    /** A registry for the process with the JVM's own meters (memory, GC, threads, CPU, uptime) bound. */
    public static PrometheusMeterRegistry registry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }

    /**
     * Serves the registry on host:port (port 0 picks a free one).
     *
     * @param notReady empty when the process is ready, else why it is not
     */
    public static MetricsEndpoint start(
            String host, int port, PrometheusMeterRegistry registry, Supplier<Optional<String>> notReady)
            throws IOException {
        requireNonNull(registry, "registry is null");
        requireNonNull(notReady, "notReady is null");
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "metrics-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext(
                "/metrics",
                exchange -> answer(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/healthz", exchange -> answer(exchange, 200, "text/plain", "ok\n"));
        server.createContext("/readyz", exchange -> {
            Optional<String> problem;
            try {
                problem = notReady.get();
            } catch (RuntimeException e) {
                problem = Optional.of(e.toString());
            }
            answer(
                    exchange,
                    problem.isEmpty() ? 200 : 503,
                    "text/plain",
                    problem.map(p -> "not ready: " + p + "\n").orElse("ready\n"));
        });
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        server.start();
        log.info(
                "metrics on http://{}:{}/metrics, health on /healthz and /readyz",
                host,
                server.getAddress().getPort());
        return new MetricsEndpoint(server, executor, gc);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")
                    && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, exchange.getRequestMethod().equals("HEAD") ? -1 : bytes.length);
            if (!exchange.getRequestMethod().equals("HEAD")) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        gc.close();
    }
}
