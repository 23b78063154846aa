package ir.flatrender.gateway.renders;

import static java.util.Objects.requireNonNull;

import ir.flatrender.gateway.http.Problem;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open server-sent event streams of this gateway, served without a thread each: a stream
 * is an async servlet response written with non-blocking writes ({@link WriteListener}) by
 * whoever has something for it (the farm's progress callbacks, one shared timer), never
 * waiting for a slow client. Streams are capped per tenant and per client address, and each
 * lives at most {@link Limits#maxLife()}: then it says {@code expired} and ends (an
 * {@code EventSource} reconnects by itself).
 */
public final class EventStreams implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);

    /**
     * @param perTenant open streams of one tenant
     * @param perAddress open streams from one client address
     * @param maxLife how long one stream stays open
     * @param keepAlive how often an idle stream gets a comment (which also finds clients gone)
     */
    public record Limits(int perTenant, int perAddress, Duration maxLife, Duration keepAlive) {
        public static final Limits DEFAULT = new Limits(20, 20, Duration.ofMinutes(30), Duration.ofSeconds(15));

        public Limits {
            requireNonNull(maxLife, "maxLife is null");
            requireNonNull(keepAlive, "keepAlive is null");
            if (perTenant < 1 || perAddress < 1) {
                throw new IllegalArgumentException("stream caps must be at least 1");
            }
            if (maxLife.isNegative() || maxLife.isZero() || keepAlive.isNegative() || keepAlive.isZero()) {
                throw new IllegalArgumentException("maxLife and keepAlive must be positive");
            }
        }
    }

    private final Limits limits;
    private final ScheduledExecutorService timer;
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    /** Open streams by tenant and by address; guarded by {@code this}. */
    private final Map<UUID, Integer> byTenant = new HashMap<>();

    private final Map<String, Integer> byAddress = new HashMap<>();

    public EventStreams(Limits limits) {
        this.limits = requireNonNull(limits, "limits is null");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "render-event-streams");
            thread.setDaemon(true);
            return thread;
        });
        long every = limits.keepAlive().toMillis();
        timer.scheduleWithFixedDelay(this::keepAlive, every, every, TimeUnit.MILLISECONDS);
    }

    /** Streams open now (tests, metrics). */
    public int openStreams() {
        return open.size();
    }

    /**
     * Takes a place for a stream of {@code tenant} from {@code address}, or answers 429 naming
     * the cap that is full. The place is given back when the stream ends.
     */
    public synchronized Slot reserve(UUID tenant, String address) {
        if (byTenant.getOrDefault(tenant, 0) >= limits.perTenant()) {
            throw Problem.tooMany("this tenant has " + limits.perTenant() + " event streams open; close one first", 5);
        }
        if (byAddress.getOrDefault(address, 0) >= limits.perAddress()) {
            throw Problem.tooMany(
                    "this address has " + limits.perAddress() + " event streams open; close one first", 5);
        }
        byTenant.merge(tenant, 1, Integer::sum);
        byAddress.merge(address, 1, Integer::sum);
        return new Slot(tenant, address);
    }

    public synchronized void release(Slot slot) {
        byTenant.computeIfPresent(slot.tenant(), (k, n) -> n == 1 ? null : n - 1);
        byAddress.computeIfPresent(slot.address(), (k, n) -> n == 1 ? null : n - 1);
    }

    public record Slot(UUID tenant, String address) {}

    /**
     * A stream on an async response whose place is {@code slot}: it ends (and gives the place
     * back) when it is finished, when the client goes, or at its maximum life. Call from the
     * request's thread once async is started.
     */
    public Stream start(Slot slot, ServletOutputStream out, Runnable onEnd) {
        Stream stream = new Stream(slot, out);
        open.add(stream);
        stream.done.whenComplete((ignored, error) -> {
            open.remove(stream);
            release(slot);
            onEnd.run();
        });
        out.setWriteListener(stream);
        timer.schedule(stream::expire, limits.maxLife().toMillis(), TimeUnit.MILLISECONDS);
        return stream;
    }

    /**
     * Answers the request with an event stream in {@code slot}: the head at once (with a
     * comment, so the client has it before the first event), then {@code opened} is given the
     * stream to feed. The request ends when the stream does.
     */
    public void serve(io.javalin.http.Context ctx, Slot slot, java.util.function.Consumer<Stream> opened) {
        ctx.res().setStatus(200);
        ctx.res().setContentType("text/event-stream;charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        CompletableFuture<Void> ended = new CompletableFuture<>();
        ctx.future(() -> {
            Stream stream;
            try {
                stream = start(slot, ctx.res().getOutputStream(), () -> ended.complete(null));
            } catch (IOException | RuntimeException e) {
                release(slot);
                ended.complete(null);
                return ended;
            }
            stream.comment("stream open");
            opened.accept(stream);
            return ended;
        });
    }

    private void keepAlive() {
        for (Stream stream : open) {
            stream.comment("keep-alive");
        }
    }

    /**
     * One client's stream. Messages wait in a short queue; a progress message not yet written
     * is replaced by a newer one (a slow client gets the latest, never a backlog).
     */
    public final class Stream implements WriteListener {
        private final Slot slot;
        private final ServletOutputStream out;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
        private byte[] progress;
        private boolean last;
        private boolean flushNeeded;

        private Stream(Slot slot, ServletOutputStream out) {
            this.slot = slot;
            this.out = out;
        }

        /** Completes when the stream has ended, for whatever reason. */
        public CompletableFuture<Void> done() {
            return done;
        }

        /** A {@code progress} event; replaces one not yet written. */
        public void progress(String data) {
            latest("progress", data);
        }

        /**
         * An event that says the whole state (a snapshot): it replaces one not yet written, so
         * a slow client gets the latest, never a backlog. One kind of such event a stream.
         */
        public synchronized void latest(String name, String data) {
            if (!last) {
                progress = event(name, data);
                pump();
            }
        }

        /** An event after which the stream ends. */
        public synchronized void finish(String event, String data) {
            if (!last) {
                last = true;
                queue.add(event(event, data));
                pump();
            }
        }

        public synchronized void comment(String text) {
            if (!last && queue.isEmpty() && progress == null) {
                queue.add((": " + text + "\n\n").getBytes(StandardCharsets.UTF_8));
                pump();
            }
        }

        private void expire() {
            finish(
                    "expired",
                    "{\"detail\": \"this stream reached its maximum life of "
                            + limits.maxLife().toSeconds() + " s; open it again to go on\"}");
        }

        private byte[] event(String name, String data) {
            return ("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public synchronized void onWritePossible() {
            pump();
        }

        @Override
        public void onError(Throwable t) {
            log.debug("event stream of tenant {} ended: {}", slot.tenant(), t.toString());
            done.complete(null);
        }

        /** Writes what can be written without blocking; never waits. */
        private void pump() {
            if (done.isDone()) {
                return;
            }
            try {
                while (out.isReady()) {
                    if (flushNeeded) {
                        flushNeeded = false;
                        out.flush();
                        continue;
                    }
                    byte[] next = progress != null ? progress : queue.poll();
                    if (next == progress) {
                        progress = null;
                    }
                    if (next == null) {
                        if (last) {
                            done.complete(null);
                        }
                        return;
                    }
                    out.write(next);
                    flushNeeded = true;
                }
            } catch (IOException | IllegalStateException e) {
                onError(e);
            }
        }
    }

    /** Ends every open stream and stops the timer. */
    @Override
    public void close() {
        timer.shutdownNow();
        for (Stream stream : open) {
            stream.done.complete(null);
        }
    }
}
