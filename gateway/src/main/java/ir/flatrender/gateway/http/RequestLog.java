package ir.flatrender.gateway.http;

import io.javalin.http.Context;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each API request to {@code identity.api_request_log} (month-partitioned) off the
 * request's thread: the caller's tenant and key, the route's template (not the raw path, which
 * holds ids; the path as asked for a request refused before routing), status, duration, request id, address. When writing falls behind by 10,000 rows
 * it drops rows and counts them rather than slowing requests.
 */
public final class RequestLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RequestLog.class);
    static final String STARTED = "flatrender.started";

    /** Who a request acted for, as far as the log goes: the tenant, and the API key when one was used. */
    public record Caller(UUID tenantId, Optional<String> apiKeyId) {}

    private final Jdbi jdbi;
    private final Function<Context, Optional<Caller>> callers;
    private final ThreadPoolExecutor writer;
    private final AtomicLong dropped = new AtomicLong();

    /** Writes with {@code jdbi}; {@code callers} says whom a request acted for (empty: nobody authenticated). */
    public RequestLog(Jdbi jdbi, Function<Context, Optional<Caller>> callers) {
        this.jdbi = java.util.Objects.requireNonNull(jdbi, "jdbi is null");
        this.callers = java.util.Objects.requireNonNull(callers, "callers is null");
        this.writer = new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(10_000),
                r -> {
                    Thread thread = new Thread(r, "request-log");
                    thread.setDaemon(true);
                    return thread;
                },
                (task, executor) -> dropped.incrementAndGet());
    }

    public static void started(Context ctx) {
        ctx.attribute(STARTED, System.nanoTime());
    }

    public void record(Context ctx) {
        Long started = ctx.attribute(STARTED);
        long millis = started == null ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        Caller caller = callers.apply(ctx).orElse(null);
        String route = null;
        try {
            io.javalin.router.Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
            route = endpoint == null ? null : endpoint.path;
        } catch (RuntimeException e) {
            // Refused before any route ran (a rate limit, a bad token): the path as asked.
        }
        if (route == null || route.equals("*")) {
            route = ctx.path().length() > 200 ? ctx.path().substring(0, 200) : ctx.path();
        }
        String method = ctx.method().name();
        int status = ctx.statusCode();
        String requestId = Requests.requestId(ctx);
        String ip = Requests.ip(ctx);
        String matched = route;
        writer.execute(() -> {
            try {
                jdbi.useHandle(handle -> handle.createUpdate("""
                                INSERT INTO identity.api_request_log (tenant_id, api_key_id, method, route, status,
                                    duration_ms, request_id, ip)
                                VALUES (:t, :key, :method, :route, :status, :ms, :request, CAST(:ip AS inet))
                                """)
                        .bind("t", caller == null ? null : caller.tenantId())
                        .bind("key", caller == null ? null : caller.apiKeyId().orElse(null))
                        .bind("method", method)
                        .bind("route", matched)
                        .bind("status", status)
                        .bind("ms", (int) Math.min(Integer.MAX_VALUE, millis))
                        .bind("request", requestId)
                        .bind("ip", ip)
                        .execute());
            } catch (RuntimeException e) {
                log.debug("a request log row was not written: {}", e.toString());
                dropped.incrementAndGet();
            }
        });
    }

    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
