package ir.flatrender.tools.zarinpal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An emulator of ZarinPal's v4 payment gateway, for development, tests and demos: it speaks
 * {@code POST /pg/v4/payment/request.json}, the buyer's {@code /pg/StartPay/{authority}} page
 * (with a "Pay" and a "Cancel" button), {@code POST /pg/v4/payment/verify.json} and {@code
 * POST /pg/v4/payment/unVerified.json}, with ZarinPal's JSON shapes and codes: on success
 * {@code {"data":{"code":100,…},"errors":[]}}, on failure {@code {"data":[],"errors":{"code":-9,
 * "message":…,"validations":[…]}}}. Every JSON answer, failures included, is HTTP 200.
 *
 * <p>Sessions live in memory only. Authorities are {@code "A"} and 35 digits, taken from the
 * clock at start so that an emulator restarted against a broker that keeps its records does
 * not hand out an authority again. A session can be paid until its {@code expire_in} (seconds,
 * sent with the request; {@link #DEFAULT_LIFETIME} without) has passed; amounts above
 * {@link #MAX_AMOUNT_RIAL} are refused as ZarinPal refuses them.
 *
 * <p>For fault injection, {@link #setAvailable(boolean)} makes the API answer 503 like
 * ZarinPal's CDN when it is down, {@link #payWithAmount(String, long)} makes a payment of another
 * amount than the one requested, {@link #payLate(String)} a payment made whatever the session's
 * state (after the broker closed it), {@link #setRefIdFault(RefIdFault)} verifies answering a
 * ref_id past 2^63 or none, and {@link #holdVerifies()} makes verify.json hang until released.
 *
 * <p>Thread-safe: the sessions' transitions (pay, cancel, verify) are atomic, so of concurrent
 * verifies of one paid session exactly one answers 100 and the others 101.
 */
public final class ZarinPalEmulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ZarinPalEmulator.class);

    private static final String API = "/pg/v4/payment/";
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int THREADS = 8;
    private static final String NODELAY = "sun.net.httpserver.nodelay";
    /** How long a session can be paid when the request sent no {@code expire_in}. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);
    /** The largest amount ZarinPal takes in one payment, in Rial (200,000,000 Toman). */
    public static final long MAX_AMOUNT_RIAL = 2_000_000_000L;
    /** How long a held verify waits for {@link #releaseVerifies()} at most. */
    private static final Duration MAX_HOLD = Duration.ofSeconds(60);

    /** What verify.json answers as ref_id: the session's, one past 2^63, or none at all. */
    public enum RefIdFault {
        NONE,
        /** The session's ref id plus 2^64: 20 digits that no signed 64-bit number holds. */
        PAST_2_63,
        /** Code 100 or 101 with no ref_id in the answer. */
        MISSING
    }

    /** 2^64, added to a ref id by {@link RefIdFault#PAST_2_63}. */
    public static final BigInteger TWO_TO_THE_64 = BigInteger.ONE.shiftLeft(64);

    private final HttpServer server;
    private final ExecutorService executor;
    private final String host;
    private final WireJson wire = new WireJson();
    private final PaymentApi api;
    private final Map<String, AtomicInteger> verifiesByAuthority = new ConcurrentHashMap<>();
    private final AtomicInteger verifies = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean available = true;
    private volatile CountDownLatch verifyGate = new CountDownLatch(0);

    /**
     * A session as it is now: one payment request and what became of it.
     *
     * @param authority the authority request.json gave it
     * @param merchantId the merchant that requested it
     * @param amount the amount requested, in {@code currency}
     * @param currency {@code "IRR"} or {@code "IRT"}
     * @param description the description requested
     * @param callbackUrl where the buyer is sent back to
     * @param state {@code "pending"}, {@code "paid"}, {@code "verified"}, {@code "cancelled"} or
     *     {@code "expired"} (nobody paid before {@code expiresAt})
     * @param refId the payment's reference id; 0 until paid
     * @param cardPan the masked card paid with; null until paid
     * @param cardHash the SHA-256 (hex) of the card paid with; null until paid
     * @param expiresAt until when the buyer can pay it
     */
    public record Session(
            String authority,
            String merchantId,
            long amount,
            String currency,
            String description,
            String callbackUrl,
            String state,
            long refId,
            String cardPan,
            String cardHash,
            Instant expiresAt) {
        public Session {
            requireNonNull(authority, "authority is null");
            requireNonNull(merchantId, "merchantId is null");
            requireNonNull(currency, "currency is null");
            requireNonNull(description, "description is null");
            requireNonNull(callbackUrl, "callbackUrl is null");
            requireNonNull(state, "state is null");
            requireNonNull(expiresAt, "expiresAt is null");
        }
    }

    private ZarinPalEmulator(HttpServer server, ExecutorService executor, String host, Set<String> merchants) {
        this.server = server;
        this.executor = executor;
        this.host = host;
        this.api = new PaymentApi(merchants, wire);
    }

    /**
     * Starts an emulator listening on {@code host:port}. It sets the system property {@code
     * sun.net.httpserver.nodelay} to {@code true} unless it is set, so that answers do not wait on
     * delayed TCP ACKs.
     *
     * @param host the address to listen on, e.g. {@code 127.0.0.1}
     * @param port the port; 0 for any free one
     * @param merchants the merchant ids it accepts; empty to accept any well-formed (36-character) id
     * @throws UncheckedIOException when it cannot listen there
     */
    public static ZarinPalEmulator start(String host, int port, Set<String> merchants) {
        requireNonNull(host, "host is null");
        requireNonNull(merchants, "merchants is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 to 65535, but was " + port);
        }
        // The JDK's server writes a response's headers and body apart; with Nagle's algorithm and
        // the client's delayed ACKs that costs about 40 ms an answer. Unless someone chose
        // otherwise, turn Nagle off (read once, when the JDK's server is first used in the JVM).
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
        ZarinPalEmulator emulator = new ZarinPalEmulator(server, executor, host, Set.copyOf(merchants));
        server.createContext("/", emulator::handle);
        server.setExecutor(executor);
        server.start();
        log.info(
                "ZarinPal emulator on {} ({})",
                emulator.baseUrl(),
                merchants.isEmpty() ? "any merchant" : merchants.size() + " merchant(s)");
        return emulator;
    }

    /** The emulator's base URL, {@code http://host:port}, without a trailing slash. */
    public String baseUrl() {
        String shown = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "http://" + shown + ":" + port();
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** How many verify.json requests it has received, those answered 503 while unavailable included. */
    public int verifyCalls() {
        return verifies.get();
    }

    /** How many verify.json requests it has received for one authority, those answered 503 included. */
    public int verifyCalls(String authority) {
        requireNonNull(authority, "authority is null");
        AtomicInteger count = verifiesByAuthority.get(authority);
        return count == null ? 0 : count.get();
    }

    /**
     * Makes the API available or not: while not, every {@code /pg/v4/*} request is answered 503
     * with an HTML page, as ZarinPal's CDN does when ZarinPal is down; the StartPay pages still work.
     */
    public void setAvailable(boolean available) {
        this.available = available;
        log.info("ZarinPal emulator API {}", available ? "available" : "unavailable (503)");
    }

    /**
     * Fault injection: the session is paid with {@code amount} instead of the amount requested,
     * so that a verify with the requested amount answers -50. A pending session becomes paid (as
     * if the buyer pressed "Pay"); a paid, verified or cancelled one keeps its state and only its
     * paid amount changes.
     *
     * @throws IllegalArgumentException when there is no such session
     */
    public void payWithAmount(String authority, long amount) {
        requireNonNull(authority, "authority is null");
        api.existing(authority).payWith(amount, api.refIds());
    }

    /**
     * Fault injection: the buyer pays the session now whatever its state or expiry, as a
     * payment that reaches ZarinPal after the broker had closed the transaction (cancelled,
     * failed or expired there); verify and unVerified.json see it paid.
     *
     * @throws IllegalArgumentException when there is no such session
     */
    public void payLate(String authority) {
        requireNonNull(authority, "authority is null");
        api.existing(authority).payLate(api.refIds());
    }

    /** Fault injection: what the ref_id of verify's answers is from now on. */
    public void setRefIdFault(RefIdFault fault) {
        api.setRefIdFault(fault);
        log.info("ZarinPal emulator ref_id fault: {}", fault);
    }

    /**
     * Fault injection: verify.json requests hang (counted as they arrive) until {@link
     * #releaseVerifies()}, or a minute at most.
     */
    public void holdVerifies() {
        verifyGate = new CountDownLatch(1);
    }

    /** Lets held verify.json requests, and those that come later, be answered. */
    public void releaseVerifies() {
        verifyGate.countDown();
    }

    /** The session of an authority, as it is now; empty when there is none. */
    public Optional<Session> session(String authority) {
        requireNonNull(authority, "authority is null");
        return api.find(authority).map(EmulatedPayment::snapshot);
    }

    /** Stops the server at once, and its threads. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            executor.shutdownNow();
            log.info("ZarinPal emulator on port {} stopped", server.getAddress().getPort());
        }
    }

    // ---- HTTP ----

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        try {
            Reply reply;
            try {
                reply = route(method, path, exchange);
            } catch (IOException | RuntimeException e) {
                log.warn("ZarinPal emulator: {} {} failed", method, path, e);
                reply = Reply.text(500, "internal error");
            }
            log.debug("zarinpal {} {} -> {}{}", method, path, reply.status(), reply.note());
            if (reply.contentType() != null) {
                exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            }
            if (reply.location() != null) {
                exchange.getResponseHeaders().set("Location", reply.location());
            }
            if (reply.status() == 405) {
                exchange.getResponseHeaders().set("Allow", path.startsWith(API) ? "POST" : "GET, POST");
            }
            byte[] body = reply.body();
            exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } finally {
            exchange.close();
        }
    }

    private Reply route(String method, String path, HttpExchange exchange) throws IOException {
        if (path.startsWith(API)) {
            byte[] body = read(exchange.getRequestBody());
            String operation = path.substring(API.length());
            if (operation.equals("verify.json")) {
                countVerify(body);
                awaitGate();
            }
            if (!available) {
                return Reply.html(503, PaymentPages.UNAVAILABLE_PAGE);
            }
            if (!method.equals("POST")) {
                return Reply.text(405, "method not allowed");
            }
            Optional<ObjectNode> request = parse(body);
            return switch (operation) {
                case "request.json" -> request.map(api::request).orElseGet(wire::notJson);
                case "verify.json" -> request.map(api::verify).orElseGet(wire::notJson);
                case "unVerified.json" -> request.map(api::unverified).orElseGet(wire::notJson);
                default -> Reply.text(404, "not found");
            };
        }
        if (path.startsWith(PaymentPages.START_PAY)) {
            read(exchange.getRequestBody());
            String[] parts = path.substring(PaymentPages.START_PAY.length()).split("/", -1);
            String authority = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            EmulatedPayment entry = api.find(authority).orElse(null);
            if (parts.length == 1 || parts.length == 2 && parts[1].isEmpty()) {
                if (!method.equals("GET")) {
                    return Reply.text(405, "method not allowed");
                }
                return entry == null ? PaymentPages.notFoundPage() : Reply.html(200, PaymentPages.page(entry));
            }
            if (parts.length == 2 && (parts[1].equals("pay") || parts[1].equals("cancel"))) {
                if (!method.equals("POST")) {
                    return Reply.text(405, "method not allowed");
                }
                if (entry == null) {
                    return PaymentPages.notFoundPage();
                }
                boolean pay = parts[1].equals("pay");
                String state = pay ? entry.pay(api.refIds()) : entry.cancel();
                String status = state.equals("paid") || state.equals("verified") ? "OK" : "NOK";
                return Reply.redirect(PaymentPages.callback(entry, status), " " + authority + " " + state);
            }
            return Reply.text(404, "not found");
        }
        return Reply.text(404, "not found");
    }

    private static byte[] read(InputStream in) throws IOException {
        try (in) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            in.transferTo(OutputStream.nullOutputStream());
            return body;
        }
    }

    private Optional<ObjectNode> parse(byte[] body) {
        return wire.parse(body, MAX_BODY_BYTES);
    }

    private void awaitGate() {
        try {
            if (!verifyGate.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("ZarinPal emulator: a held verify was never released; answering it now");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void countVerify(byte[] body) {
        verifies.incrementAndGet();
        parse(body)
                .map(request -> request.get("authority"))
                .filter(JsonNode::isTextual)
                .map(JsonNode::textValue)
                .ifPresent(authority -> verifiesByAuthority
                        .computeIfAbsent(authority, a -> new AtomicInteger())
                        .incrementAndGet());
    }

    private static ThreadFactory daemonThreads() {
        return new ThreadFactoryBuilder()
                .setNameFormat("zarinpal-emulator-%d")
                .setDaemon(true)
                .build();
    }
}
