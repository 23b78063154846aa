package ir.flatrender.tools.options;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import ir.flatrender.media.observability.MetricsEndpoint;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** Where a farm process serves its Prometheus metrics and its liveness and readiness. */
public final class MetricsOption {
    @Option(
            names = "--metrics-listen",
            paramLabel = "HOST:PORT",
            description = "Serve /metrics (Prometheus), /healthz and /readyz over HTTP here; 'off' for none"
                    + " (default: 0.0.0.0:9600 for the orchestrator, 0.0.0.0:9601 for a node).")
    String listen;

    /** Starts the endpoint unless turned off; the command closes it. */
    public Optional<MetricsEndpoint> start(
            String defaultListen, PrometheusMeterRegistry registry, Supplier<Optional<String>> notReady)
            throws IOException {
        String address = listen == null ? defaultListen : listen.strip();
        if (address.equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        int colon = address.lastIndexOf(':');
        int port;
        try {
            port = colon <= 0 ? -1 : Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(
                    "--metrics-listen must be host:port (e.g. 0.0.0.0:9600) or off, but was '" + address + "'");
        }
        return Optional.of(MetricsEndpoint.start(address.substring(0, colon), port, registry, notReady));
    }
}
