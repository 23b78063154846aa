package ir.flatrender.orchestrator.storage;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a blob down a server stream in parts, only as fast as the client reads: parts are
 * read from the store on an I/O executor whenever the stream reports it is ready, never on a
 * gRPC thread and never buffered beyond one part.
 */
public final class BlobStreamer {
    private static final Logger log = LoggerFactory.getLogger(BlobStreamer.class);
    public static final int PART_BYTES = 256 * 1024;

    /** Makes one stream message from a part of the blob. */
    @FunctionalInterface
    public interface PartFactory<T> {
        T part(long offset, ByteString data, long totalSize);
    }

    private final Executor io;

    public BlobStreamer(Executor io) {
        this.io = requireNonNull(io, "io is null");
    }

    /**
     * Streams {@code length} bytes (0 = to the end) of the blob from {@code offset}. Call from
     * the service method itself, before it returns.
     */
    public <T> void stream(
            BlobStore store,
            String key,
            long offset,
            long length,
            ServerCallStreamObserver<T> observer,
            PartFactory<T> factory) {
        long total;
        try {
            total = store.size(key).orElse(-1L);
        } catch (IOException e) {
            observer.onError(
                    Status.UNAVAILABLE.withDescription("could not read " + key).asRuntimeException());
            return;
        }
        if (total < 0) {
            observer.onError(
                    Status.NOT_FOUND.withDescription("no such blob " + key).asRuntimeException());
            return;
        }
        if (offset < 0 || offset > total || length < 0) {
            observer.onError(Status.OUT_OF_RANGE
                    .withDescription("offset " + offset + " is outside 0-" + total)
                    .asRuntimeException());
            return;
        }
        long end = length == 0 ? total : Math.min(total, offset + length);
        Pump<T> pump = new Pump<>(store, key, offset, end, total, observer, factory);
        Executor serial = MoreExecutors.newSequentialExecutor(io);
        observer.setOnCancelHandler(pump::close);
        observer.setOnReadyHandler(() -> serial.execute(pump::run));
    }

    private static final class Pump<T> {
        private final BlobStore store;
        private final String key;
        private final long end;
        private final long total;
        private final ServerCallStreamObserver<T> observer;
        private final PartFactory<T> factory;
        private long position;
        private InputStream in;
        private volatile boolean done;

        Pump(
                BlobStore store,
                String key,
                long offset,
                long end,
                long total,
                ServerCallStreamObserver<T> observer,
                PartFactory<T> factory) {
            this.store = store;
            this.key = key;
            this.position = offset;
            this.end = end;
            this.total = total;
            this.observer = observer;
            this.factory = factory;
        }

        void run() {
            if (done) {
                return;
            }
            try {
                if (in == null) {
                    InputStream opened = store.open(key, position, end - position);
                    synchronized (this) {
                        if (done) {
                            // Cancelled while it opened: nothing may keep it open.
                            opened.close();
                            return;
                        }
                        in = opened;
                    }
                }
                byte[] buffer = new byte[PART_BYTES];
                while (observer.isReady() && !done) {
                    if (position >= end) {
                        done = true;
                        close();
                        observer.onCompleted();
                        return;
                    }
                    int want = (int) Math.min(buffer.length, end - position);
                    int read = in.readNBytes(buffer, 0, want);
                    if (read <= 0) {
                        throw new IOException("blob " + key + " ended at " + position + " of " + end);
                    }
                    observer.onNext(factory.part(position, ByteString.copyFrom(buffer, 0, read), total));
                    position += read;
                }
            } catch (IOException | RuntimeException e) {
                if (!done) {
                    done = true;
                    close();
                    log.warn("streaming {} failed at byte {}: {}", key, position, e.getMessage());
                    try {
                        observer.onError(Status.UNAVAILABLE
                                .withDescription("reading " + key + " failed: " + e.getMessage())
                                .asRuntimeException());
                    } catch (RuntimeException ignored) {
                        // The call is already gone.
                    }
                }
            }
        }

        synchronized void close() {
            done = true;
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    log.debug("closing {}: {}", key, e.getMessage());
                }
            }
        }
    }
}
