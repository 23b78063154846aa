package ir.flatrender.tools.processes;

import java.util.Optional;

/** An optional resource in a try-with-resources: closed when present. */
record CloseableOptional<T extends AutoCloseable>(Optional<T> value) implements AutoCloseable {
    @Override
    public void close() throws Exception {
        if (value.isPresent()) {
            value.get().close();
        }
    }
}
