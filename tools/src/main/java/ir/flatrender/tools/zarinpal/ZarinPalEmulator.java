package ir.flatrender.tools.zarinpal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
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
import java.util.concurrent.atomic.AtomicLong;
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
    private static final String START_PAY = "/pg/StartPay/";
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int THREADS = 8;
    private static final String NODELAY = "sun.net.httpserver.nodelay";
    private static final long FIRST_REF_ID = 201;
    private static final String FEE_TYPE = "Merchant";
    /** The test card every payment is made with. */
    private static final String CARD_NUMBER = "5022291083745995";

    private static final String CARD_PAN = CARD_NUMBER.substring(0, 6) + "******" + CARD_NUMBER.substring(12);
    private static final String CARD_HASH = sha256(CARD_NUMBER);
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.of("Asia/Tehran"));

    private static final String VALIDATION = "The input params invalid, validation error.";
    private static final String BAD_TERMINAL = "Terminal is not valid, please check merchant_id or ip address.";
    private static final String AMOUNT_DIFFERS = "Session is not valid, amounts values is not the same.";
    private static final String NOT_PAID = "Session is not valid, session is not active paid try.";
    private static final String BAD_AUTHORITY = "Invalid authority.";
    private static final String BAD_EXPIRY = "Invalid extra params, expire_in is not valid.";

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

    private static final String UNAVAILABLE_PAGE = """
            <html>
            <head><title>503 Service Temporarily Unavailable</title></head>
            <body>
            <center><h1>503 Service Temporarily Unavailable</h1></center>
            <hr><center>nginx</center>
            </body>
            </html>
            """;

    private final HttpServer server;
    private final ExecutorService executor;
    private final String host;
    private final Set<String> merchants;
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> verifiesByAuthority = new ConcurrentHashMap<>();
    private final AtomicInteger verifies = new AtomicInteger();
    private final AtomicLong authorities = new AtomicLong(System.currentTimeMillis() * 1000);
    private final AtomicLong refIds = new AtomicLong(FIRST_REF_ID);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean available = true;
    private volatile RefIdFault refIdFault = RefIdFault.NONE;
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
        this.merchants = merchants;
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
        Entry entry = sessions.get(authority);
        if (entry == null) {
            throw new IllegalArgumentException("no ZarinPal session " + authority);
        }
        entry.payWith(amount, refIds);
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
        Entry entry = sessions.get(authority);
        if (entry == null) {
            throw new IllegalArgumentException("no ZarinPal session " + authority);
        }
        entry.payLate(refIds);
    }

    /** Fault injection: what the ref_id of verify's answers is from now on. */
    public void setRefIdFault(RefIdFault fault) {
        this.refIdFault = requireNonNull(fault, "fault is null");
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
        return Optional.ofNullable(sessions.get(authority)).map(Entry::snapshot);
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

    private record Reply(int status, String contentType, byte[] body, String location, String note) {
        static Reply json(byte[] body, String note) {
            return new Reply(200, "application/json; charset=utf-8", body, null, note);
        }

        static Reply html(int status, String page) {
            return new Reply(status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8), null, "");
        }

        static Reply text(int status, String text) {
            return new Reply(
                    status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8), null, "");
        }

        static Reply redirect(String location, String note) {
            return new Reply(302, null, new byte[0], location, note);
        }
    }

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
                return Reply.html(503, UNAVAILABLE_PAGE);
            }
            if (!method.equals("POST")) {
                return Reply.text(405, "method not allowed");
            }
            Optional<ObjectNode> request = parse(body);
            return switch (operation) {
                case "request.json" -> request.map(this::request).orElseGet(this::notJson);
                case "verify.json" -> request.map(this::verify).orElseGet(this::notJson);
                case "unVerified.json" -> request.map(this::unverified).orElseGet(this::notJson);
                default -> Reply.text(404, "not found");
            };
        }
        if (path.startsWith(START_PAY)) {
            read(exchange.getRequestBody());
            String[] parts = path.substring(START_PAY.length()).split("/", -1);
            String authority = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            Entry entry = sessions.get(authority);
            if (parts.length == 1 || parts.length == 2 && parts[1].isEmpty()) {
                if (!method.equals("GET")) {
                    return Reply.text(405, "method not allowed");
                }
                return entry == null ? notFoundPage() : Reply.html(200, page(entry));
            }
            if (parts.length == 2 && (parts[1].equals("pay") || parts[1].equals("cancel"))) {
                if (!method.equals("POST")) {
                    return Reply.text(405, "method not allowed");
                }
                if (entry == null) {
                    return notFoundPage();
                }
                boolean pay = parts[1].equals("pay");
                String state = pay ? entry.pay(refIds) : entry.cancel();
                String status = state.equals("paid") || state.equals("verified") ? "OK" : "NOK";
                return Reply.redirect(callback(entry, status), " " + authority + " " + state);
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
        if (body.length > MAX_BODY_BYTES) {
            return Optional.empty();
        }
        try {
            return json.readTree(body) instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
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

    // ---- the operations ----

    private Reply request(ObjectNode request) {
        List<Map.Entry<String, String>> invalid = new ArrayList<>();
        String merchant = merchant(request, invalid);
        String currency = "IRR";
        JsonNode currencyNode = request.get("currency");
        if (currencyNode != null && !currencyNode.isNull()) {
            if (currencyNode.isTextual()
                    && (currencyNode.textValue().equals("IRR")
                            || currencyNode.textValue().equals("IRT"))) {
                currency = currencyNode.textValue();
            } else {
                invalid.add(Map.entry("currency", "The selected currency is invalid."));
            }
        }
        long minimum = currency.equals("IRT") ? 1_000 : 10_000;
        long maximum = currency.equals("IRT") ? MAX_AMOUNT_RIAL / 10 : MAX_AMOUNT_RIAL;
        long amount = amount(request, minimum, invalid);
        if (amount > maximum) {
            invalid.add(Map.entry("amount", "The amount must not be greater than " + maximum + "."));
        }
        String description = required(request, "description", "The description field is required.", invalid);
        String callbackUrl = required(request, "callback_url", "The callback url field is required.", invalid);
        JsonNode metadata = request.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            invalid.add(Map.entry("metadata", "The metadata must be an object."));
        }
        if (!invalid.isEmpty()) {
            return invalid(invalid);
        }
        if (!known(merchant)) {
            return error(-10, BAD_TERMINAL);
        }
        Duration lifetime = DEFAULT_LIFETIME;
        JsonNode expireIn = request.get("expire_in");
        if (expireIn != null && !expireIn.isNull()) {
            if (!expireIn.isIntegralNumber()
                    || !expireIn.canConvertToLong()
                    || expireIn.longValue() < 60
                    || expireIn.longValue() > 86_400) {
                return error(-40, BAD_EXPIRY);
            }
            lifetime = Duration.ofSeconds(expireIn.longValue());
        }
        String authority = String.format("A%035d", authorities.incrementAndGet());
        Instant now = Instant.now();
        sessions.put(
                authority,
                new Entry(authority, merchant, amount, currency, description, callbackUrl, now, now.plus(lifetime)));
        ObjectNode data = json.createObjectNode()
                .put("code", 100)
                .put("message", "Success")
                .put("authority", authority)
                .put("fee_type", FEE_TYPE)
                .put("fee", fee(amount));
        return success(data, " 100 " + authority);
    }

    private Reply verify(ObjectNode request) {
        List<Map.Entry<String, String>> invalid = new ArrayList<>();
        String merchant = merchant(request, invalid);
        long amount = amount(request, 1, invalid);
        String authority = required(request, "authority", "The authority field is required.", invalid);
        if (!invalid.isEmpty()) {
            return invalid(invalid);
        }
        if (!known(merchant)) {
            return error(-10, BAD_TERMINAL);
        }
        Entry entry = sessions.get(authority);
        if (entry == null || !entry.merchantId.equals(merchant)) {
            return error(-54, BAD_AUTHORITY);
        }
        Verification result = entry.verify(amount);
        return switch (result.code()) {
            case 100, 101 -> {
                ObjectNode data = json.createObjectNode()
                        .put("code", result.code())
                        .put("message", "Verified")
                        .put("card_hash", result.cardHash())
                        .put("card_pan", result.cardPan());
                switch (refIdFault) {
                    case NONE -> data.put("ref_id", result.refId());
                    case PAST_2_63 -> data.put("ref_id", TWO_TO_THE_64.add(BigInteger.valueOf(result.refId())));
                    case MISSING -> {}
                }
                data.put("fee_type", FEE_TYPE).put("fee", fee(entry.amount));
                yield success(data, " " + result.code() + " " + authority);
            }
            case -50 -> error(-50, AMOUNT_DIFFERS);
            default -> error(-51, NOT_PAID);
        };
    }

    private Reply unverified(ObjectNode request) {
        List<Map.Entry<String, String>> invalid = new ArrayList<>();
        String merchant = merchant(request, invalid);
        if (!invalid.isEmpty()) {
            return invalid(invalid);
        }
        if (!known(merchant)) {
            return error(-10, BAD_TERMINAL);
        }
        ObjectNode data = json.createObjectNode().put("code", 100).put("message", "Success");
        ArrayNode list = data.putArray("authorities");
        sessions.values().stream()
                .filter(entry -> entry.merchantId.equals(merchant))
                .map(Entry::snapshotWithDate)
                .filter(dated -> dated.session().state().equals("paid"))
                .sorted(Comparator.comparing(dated -> dated.session().authority()))
                .forEach(dated -> list.addObject()
                        .put("authority", dated.session().authority())
                        .put("amount", dated.session().amount())
                        .put("callback_url", dated.session().callbackUrl())
                        .put("referer", "")
                        .put("date", DATE.format(dated.created())));
        return success(data, " 100 " + list.size() + " unverified");
    }

    private boolean known(String merchant) {
        return merchants.isEmpty() || merchants.contains(merchant);
    }

    private static String merchant(ObjectNode request, List<Map.Entry<String, String>> invalid) {
        JsonNode node = request.get("merchant_id");
        if (node == null
                || node.isNull()
                || !node.isTextual()
                || node.textValue().isBlank()) {
            invalid.add(Map.entry("merchant_id", "The merchant id field is required."));
            return null;
        }
        if (node.textValue().length() != 36) {
            invalid.add(Map.entry("merchant_id", "The merchant id must be 36 characters."));
            return null;
        }
        return node.textValue();
    }

    private static long amount(ObjectNode request, long minimum, List<Map.Entry<String, String>> invalid) {
        JsonNode node = request.get("amount");
        long amount;
        if (node == null || node.isNull()) {
            invalid.add(Map.entry("amount", "The amount field is required."));
            return -1;
        } else if (node.isIntegralNumber() && node.canConvertToLong()) {
            amount = node.longValue();
        } else if (node.isTextual() && node.textValue().matches("[0-9]{1,18}")) {
            amount = Long.parseLong(node.textValue());
        } else {
            invalid.add(Map.entry("amount", "The amount must be an integer."));
            return -1;
        }
        if (amount < minimum) {
            invalid.add(Map.entry("amount", "The amount must be at least " + minimum + "."));
            return -1;
        }
        return amount;
    }

    private static String required(
            ObjectNode request, String field, String message, List<Map.Entry<String, String>> invalid) {
        JsonNode node = request.get(field);
        if (node == null || !node.isTextual() || node.textValue().isBlank()) {
            invalid.add(Map.entry(field, message));
            return null;
        }
        return node.textValue();
    }

    /** ZarinPal's fee: 1% of the amount, paid by the merchant. */
    private static long fee(long amount) {
        return amount / 100;
    }

    private Reply success(ObjectNode data, String note) {
        ObjectNode root = json.createObjectNode();
        root.set("data", data);
        root.putArray("errors");
        return Reply.json(bytes(root), note);
    }

    private Reply error(int code, String message) {
        return error(code, message, List.of());
    }

    private Reply invalid(List<Map.Entry<String, String>> validations) {
        return error(-9, VALIDATION, validations);
    }

    private Reply notJson() {
        return invalid(List.of(Map.entry("body", "The request body must be a JSON object.")));
    }

    private Reply error(int code, String message, List<Map.Entry<String, String>> validations) {
        ObjectNode root = json.createObjectNode();
        root.putArray("data");
        ObjectNode errors = root.putObject("errors").put("code", code).put("message", message);
        ArrayNode list = errors.putArray("validations");
        validations.forEach(v -> list.addObject().put(v.getKey(), v.getValue()));
        return Reply.json(bytes(root), " " + code);
    }

    private byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static String callback(Entry entry, String status) {
        String url = entry.callbackUrl;
        String separator = url.endsWith("?") || url.endsWith("&") ? "" : url.contains("?") ? "&" : "?";
        return url + separator + "Authority=" + URLEncoder.encode(entry.authority, StandardCharsets.UTF_8) + "&Status="
                + status;
    }

    // ---- pages ----

    private static Reply notFoundPage() {
        return Reply.html(404, """
                <!DOCTYPE html>
                <html lang="fa" dir="rtl">
                <head><meta charset="utf-8"><title>ZarinPal emulator</title></head>
                <body>
                <h1>تراکنش یافت نشد</h1>
                <p>Unknown authority: this payment does not exist.</p>
                </body>
                </html>
                """);
    }

    private static String page(Entry entry) {
        Session session = entry.snapshot();
        String base = START_PAY + URLEncoder.encode(session.authority(), StandardCharsets.UTF_8);
        return """
                <!DOCTYPE html>
                <html lang="fa" dir="rtl">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>درگاه پرداخت (ZarinPal emulator)</title>
                <style>
                body { font-family: Tahoma, sans-serif; max-width: 32em; margin: 3em auto; padding: 0 1em; }
                dt { font-weight: bold; margin-top: 0.6em; }
                form { display: inline-block; margin: 1.5em 0 0 1em; }
                button { font-size: 1.1em; padding: 0.4em 1.4em; }
                small { color: #666; }
                </style>
                </head>
                <body>
                <h1>درگاه پرداخت</h1>
                <p><small>ZarinPal emulator: no money moves here.</small></p>
                <dl>
                <dt>مبلغ (Amount)</dt><dd id="amount">%s %s</dd>
                <dt>توضیحات (Description)</dt><dd id="description">%s</dd>
                <dt>پذیرنده (Merchant)</dt><dd id="merchant" dir="ltr">%s</dd>
                <dt>شناسه (Authority)</dt><dd id="authority" dir="ltr">%s</dd>
                <dt>وضعیت (State)</dt><dd id="state">%s</dd>
                </dl>
                <form method="post" action="%s/pay"><button type="submit">پرداخت (Pay)</button></form>
                <form method="post" action="%s/cancel"><button type="submit">انصراف (Cancel)</button></form>
                </body>
                </html>
                """.formatted(
                        String.format("%,d", session.amount()),
                        session.currency().equals("IRT") ? "تومان (IRT)" : "ریال (IRR)",
                        escape(session.description()),
                        escape(session.merchantId()),
                        escape(session.authority()),
                        session.state(),
                        escape(base),
                        escape(base));
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    // ---- sessions ----

    private record Verification(int code, long refId, String cardPan, String cardHash) {}

    private record Dated(Session session, Instant created) {}

    /** One session; its mutable state is guarded by its own monitor. */
    private static final class Entry {
        final String authority;
        final String merchantId;
        final long amount;
        final String currency;
        final String description;
        final String callbackUrl;
        final Instant created;
        final Instant expiresAt;

        private String state = "pending";
        private long paidAmount;
        private long refId;
        private String cardPan;
        private String cardHash;

        Entry(
                String authority,
                String merchantId,
                long amount,
                String currency,
                String description,
                String callbackUrl,
                Instant created,
                Instant expiresAt) {
            this.authority = authority;
            this.merchantId = merchantId;
            this.amount = amount;
            this.currency = currency;
            this.description = description;
            this.callbackUrl = callbackUrl;
            this.created = created;
            this.expiresAt = expiresAt;
            this.paidAmount = amount;
        }

        /** The buyer pressed "Pay"; the state after it (too late: expired). */
        synchronized String pay(AtomicLong refIds) {
            expireIfDue();
            if (state.equals("pending")) {
                markPaid(refIds);
            }
            return state;
        }

        synchronized void payLate(AtomicLong refIds) {
            if (!state.equals("paid") && !state.equals("verified")) {
                markPaid(refIds);
            }
        }

        private void expireIfDue() {
            if (state.equals("pending") && !Instant.now().isBefore(expiresAt)) {
                state = "expired";
            }
        }

        /** The buyer pressed "Cancel"; the state after it (a payment made stays made). */
        synchronized String cancel() {
            expireIfDue();
            if (state.equals("pending")) {
                state = "cancelled";
            }
            return state;
        }

        synchronized void payWith(long amount, AtomicLong refIds) {
            paidAmount = amount;
            if (state.equals("pending")) {
                markPaid(refIds);
            }
        }

        private void markPaid(AtomicLong refIds) {
            state = "paid";
            refId = refIds.getAndIncrement();
            cardPan = CARD_PAN;
            cardHash = CARD_HASH;
        }

        /** Verifies a payment, atomically: 100 the first time, 101 after; -50 or -51 when it cannot be. */
        synchronized Verification verify(long requestedAmount) {
            if (!state.equals("paid") && !state.equals("verified")) {
                return new Verification(-51, 0, null, null);
            }
            if (requestedAmount != paidAmount) {
                return new Verification(-50, 0, null, null);
            }
            int code = state.equals("paid") ? 100 : 101;
            state = "verified";
            return new Verification(code, refId, cardPan, cardHash);
        }

        synchronized Session snapshot() {
            expireIfDue();
            return new Session(
                    authority,
                    merchantId,
                    amount,
                    currency,
                    description,
                    callbackUrl,
                    state,
                    refId,
                    cardPan,
                    cardHash,
                    expiresAt);
        }

        Dated snapshotWithDate() {
            return new Dated(snapshot(), created);
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "zarinpal-emulator-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }
}
