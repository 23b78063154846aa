package ir.flatrender.tools.processes;

import ir.flatrender.media.observability.MetricsEndpoint;
import java.util.Optional;

/** The metrics endpoint, when one was asked for, in a try-with-resources: closed when present. */
record CloseableOptional(Optional<MetricsEndpoint> value) implements AutoCloseable {
    @Override
    public void close() {
        value.ifPresent(MetricsEndpoint::close);
    }
}
