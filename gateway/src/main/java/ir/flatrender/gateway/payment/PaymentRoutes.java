package ir.flatrender.gateway.payment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RequestBodies;
import ir.flatrender.gateway.http.RouteTable;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's HTTP face: the clients' signed calls ({@code /v1/pay/request},
 * {@code /v1/pay/inquiry}), ZarinPal's one callback ({@code /callback/zarinpal}) and the
 * admins' transaction list.
 */
public final class PaymentRoutes {
    private static final Logger log = LoggerFactory.getLogger(PaymentRoutes.class);
    /** The query parameters the broker adds to a return URL; a client's return URL may not hold them. */
    static final String RESERVED_PREFIX = "flatpay_";

    private static final Pattern ORDER_ID = Pattern.compile("^[A-Za-z0-9._:-]{1,64}$");
    private static final Pattern AUTHORITY = Pattern.compile("^[A-Za-z0-9]{1,64}$");
    private static final Pattern MOBILE = Pattern.compile("^(\\+98|0)?9[0-9]{9}$");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,255}$");
    private static final List<String> STATUSES = List.of("pending", "paid", "failed", "cancelled", "expired");

    private final ClientApps clients;
    private final Transactions transactions;
    private final Duration returnLifetime;
    private final long maxAmountRial;
    private final Duration callbackWait;
    private final ObjectMapper json;

    public PaymentRoutes(ClientApps clients, Transactions transactions, PaymentConfig config, ObjectMapper json) {
        this.clients = requireNonNull(clients, "clients is null");
        this.transactions = requireNonNull(transactions, "transactions is null");
        requireNonNull(config, "config is null");
        this.returnLifetime = config.returnLifetime();
        this.maxAmountRial = config.maxAmountRial();
        this.callbackWait = config.callbackWait();
        this.json = requireNonNull(json, "json is null");
    }

    public void register(RouteTable routes) {
        routes.post("/v1/pay/request", this::request);
        routes.post("/v1/pay/inquiry", this::inquiry);
        routes.get("/callback/zarinpal", this::callback);
        routes.get("/v1/admin/pay/transactions", this::list);
    }

    /**
     * Runs a signed call; a call refused after its signature was checked (422, 404, 409, 502,
     * 503, or an error of ours) gives its nonce back, so that the client may send it again.
     */
    private void signed(Context ctx, java.util.function.Consumer<ClientApps.Caller> call) {
        ClientApps.Caller caller = clients.authenticate(new ClientApps.SignedCall(
                ctx.header("X-Api-Key"),
                ctx.header("X-FlatPay-Timestamp"),
                ctx.header("X-FlatPay-Nonce"),
                ctx.header("X-FlatPay-Signature"),
                ctx.method().name(),
                ctx.path(),
                ctx.bodyAsBytes()));
        try {
            call.accept(caller);
        } catch (RuntimeException e) {
            clients.releaseNonce(caller);
            throw e;
        }
    }

    private void request(Context ctx) {
        signed(ctx, caller -> request(ctx, caller));
    }

    private void request(Context ctx, ClientApps.Caller caller) {
        RequestBodies body = RequestBodies.read(ctx, json);
        PaymentText.check(body, "order_id", "description", "return_url", "metadata");
        long amount = body.positiveLong("amount", 1_000_000_000_000L);
        if (amount > 0 && amount < Transactions.MIN_AMOUNT_RIAL) {
            body.error("amount", "must be at least " + Transactions.MIN_AMOUNT_RIAL + " Rial (1,000 Toman)");
        }
        if (amount > maxAmountRial) {
            body.error("amount", "must be at most %,d Rial: ZarinPal takes no larger payment".formatted(maxAmountRial));
        }
        String orderId = body.string("order_id", 64, ORDER_ID, "1 to 64 characters of A-Z a-z 0-9 . _ : -");
        String description = body.string("description", 500);
        String returnUrl = body.string("return_url", 2000);
        if (returnUrl != null && !ClientApps.allowsReturn(caller.app(), returnUrl)) {
            body.error("return_url", "must be under one of this client app's registered return URLs");
        } else if (returnUrl != null) {
            reservedParameter(returnUrl)
                    .ifPresent(name -> body.error(
                            "return_url",
                            "must not carry the query parameter " + name + ": the broker adds the " + RESERVED_PREFIX
                                    + "* parameters itself"));
        }
        var metadata = body.object("metadata");
        Optional<String> mobile = Optional.ofNullable(metadata.get("mobile")).map(n -> n.asText());
        Optional<String> email = Optional.ofNullable(metadata.get("email")).map(n -> n.asText());
        if (mobile.isPresent() && !MOBILE.matcher(mobile.get()).matches()) {
            body.error("metadata.mobile", "must be an Iranian mobile number, 09xxxxxxxxx");
        }
        if (email.isPresent() && !EMAIL.matcher(email.get()).matches()) {
            body.error("metadata.email", "must be an email address");
        }
        body.check();
        Transactions.Asked asked = transactions.request(
                caller.app(), new Transactions.Ask(orderId, amount, description, returnUrl, mobile, email));
        ctx.status(asked.created() ? 201 : 200).json(transactions.toJson(asked.transaction()));
    }

    /** The first query parameter of {@code url} named {@code flatpay_…} (any case, decoded), if any. */
    static Optional<String> reservedParameter(String url) {
        String query = URI.create(url).getRawQuery();
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            String rawName = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
            String name;
            try {
                name = URLDecoder.decode(rawName, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                name = rawName;
            }
            if (name.strip().toLowerCase(java.util.Locale.ROOT).startsWith(RESERVED_PREFIX)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private void inquiry(Context ctx) {
        signed(ctx, caller -> inquiry(ctx, caller));
    }

    private void inquiry(Context ctx, ClientApps.Caller caller) {
        RequestBodies body = RequestBodies.read(ctx, json);
        PaymentText.check(body, "id", "order_id");
        Optional<String> id = body.optionalString("id", 36);
        Optional<String> orderId = body.optionalString("order_id", 64);
        if (id.isEmpty() == orderId.isEmpty()) {
            body.error("id", "give either id or order_id");
        }
        body.check();
        Optional<UUID> uuid;
        try {
            uuid = id.map(UUID::fromString);
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("transaction " + id.get());
        }
        Transactions.Transaction found = transactions
                .find(caller.app().id(), uuid, orderId)
                .orElseThrow(() -> Problem.notFound("transaction " + id.orElse("of order " + orderId.orElse(""))));
        ctx.json(transactions.toJson(found));
    }

    /**
     * ZarinPal sends the buyer here. The callback's {@code Status} is the buyer's browser's word,
     * kept as a hint: the payment is verified with ZarinPal (one verification at a time per
     * payment) and the buyer sent back to the client's return URL with the signed result. When
     * verify takes longer than {@code callbackWait}, the buyer gets a page saying the payment is
     * being confirmed, which reloads this URL; the verification goes on without them.
     */
    private void callback(Context ctx) {
        String authority = ctx.queryParam("Authority");
        String status = ctx.queryParam("Status");
        if (authority == null
                || !AUTHORITY.matcher(authority).matches()
                || !("OK".equals(status) || "NOK".equals(status))) {
            throw Problem.of(
                    400,
                    "callback-invalid",
                    "Not a ZarinPal callback",
                    "the callback takes Authority and Status (OK or NOK)");
        }
        Transactions.Transaction transaction = transactions
                .noteCallback(authority, status)
                .orElseThrow(() -> Problem.of(
                        404,
                        "authority-unknown",
                        "Unknown payment",
                        "no payment of this broker has authority " + authority));
        ctx.header("Cache-Control", "no-store");
        if (transaction.pending()) {
            try {
                transaction = transactions
                        .settleAsync(authority)
                        .get(callbackWait.toMillis(), TimeUnit.MILLISECONDS)
                        .orElse(transaction);
            } catch (TimeoutException | RejectedExecutionException e) {
                confirming(ctx);
                return;
            } catch (ExecutionException e) {
                log.warn(
                        "payment {}: the callback's verification failed: {}",
                        transaction.id(),
                        e.getCause().toString());
                confirming(ctx);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                confirming(ctx);
                return;
            }
        }
        if (transaction.pending() && transaction.verifying()) {
            confirming(ctx); // verified right now elsewhere (reconciliation, another gateway)
            return;
        }
        ctx.redirect(returnLocation(transaction), io.javalin.http.HttpStatus.FOUND);
    }

    /** 202 and a page that reloads the callback in a few seconds, while ZarinPal confirms the payment. */
    private static void confirming(Context ctx) {
        ctx.status(202)
                .header("Refresh", "3")
                .contentType("text/html; charset=utf-8")
                .result(CONFIRMING.getBytes(StandardCharsets.UTF_8));
    }

    private static final String CONFIRMING = """
            <!DOCTYPE html>
            <html lang="fa" dir="rtl">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="refresh" content="3">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>در حال تأیید پرداخت</title>
            </head>
            <body style="font-family: Tahoma, sans-serif; max-width: 32em; margin: 3em auto; padding: 0 1em;">
            <h1>در حال تأیید پرداخت…</h1>
            <p>پرداخت شما در حال تأیید است؛ این صفحه را نبندید، چند لحظه دیگر به فروشگاه بازمی‌گردید.</p>
            <p dir="ltr">We are confirming your payment with the bank; this page reloads by itself and
            takes you back to the shop in a moment.</p>
            </body>
            </html>
            """;

    /** The return URL with the signed result added (PAYMENTS.md section 5). */
    String returnLocation(Transactions.Transaction t) {
        String status = t.status().equals("expired") ? "failed" : t.status();
        String refId = t.refId().orElse("");
        long expires = Instant.now().plus(returnLifetime).getEpochSecond();
        String signature = ClientSignature.signReturn(
                clients.currentHmacSecret(t.clientId()), t.id().toString(), t.orderId(), status, refId, expires);
        StringBuilder location = new StringBuilder(t.returnUrl());
        location.append(t.returnUrl().contains("?") ? '&' : '?');
        location.append("flatpay_id=").append(t.id());
        location.append("&flatpay_order_id=").append(encode(t.orderId()));
        location.append("&flatpay_status=").append(status);
        location.append("&flatpay_ref_id=").append(refId);
        location.append("&flatpay_expires=").append(expires);
        location.append("&flatpay_signature=").append(signature);
        return location.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private void list(Context ctx) {
        ClientAppRoutes.requireAdmin(ctx);
        Optional<UUID> client = uuidParam(ctx, "client_id");
        Optional<String> status = Optional.ofNullable(ctx.queryParam("status"));
        if (status.isPresent() && !STATUSES.contains(status.get())) {
            throw Problem.invalidField("status", "must be one of " + STATUSES);
        }
        Optional<String> orderId = Optional.ofNullable(ctx.queryParam("order_id"));
        if (orderId.isPresent()) {
            PaymentText.problem(orderId.get()).ifPresent(why -> {
                throw Problem.invalidField("order_id", why);
            });
        }
        String attention = ctx.queryParam("attention");
        if (attention != null && !attention.equals("true") && !attention.equals("false")) {
            throw Problem.invalidField("attention", "must be true or false");
        }
        Optional<Instant> after = instantParam(ctx, "created_after");
        Optional<Instant> before = instantParam(ctx, "created_before");
        int limit = 50;
        if (ctx.queryParam("limit") != null) {
            try {
                limit = Integer.parseInt(ctx.queryParam("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 200) {
                throw Problem.invalidField("limit", "must be 1 to 200");
            }
        }
        Optional<Instant> cursorAt = Optional.empty();
        Optional<UUID> cursorId = Optional.empty();
        String cursor = ctx.queryParam("cursor");
        if (cursor != null) {
            try {
                String[] parts =
                        new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
                cursorAt = Optional.of(Instant.parse(parts[0]));
                cursorId = Optional.of(UUID.fromString(parts[1]));
            } catch (RuntimeException e) {
                throw Problem.invalidField("cursor", "is not a cursor this API gave");
            }
        }
        List<Transactions.Transaction> rows = transactions.list(
                client, status, orderId, "true".equals(attention), after, before, cursorAt, cursorId, limit + 1);
        boolean more = rows.size() > limit;
        List<Transactions.Transaction> page = more ? rows.subList(0, limit) : rows;
        ObjectNode out = json.createObjectNode();
        ArrayNode items = out.putArray("transactions");
        page.forEach(t -> items.add(transactions.toAdminJson(t)));
        if (more) {
            Transactions.Transaction last = page.get(page.size() - 1);
            out.put(
                    "next_cursor",
                    Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString((last.createdAt() + "|" + last.id()).getBytes(StandardCharsets.UTF_8)));
        } else {
            out.putNull("next_cursor");
        }
        ctx.json(out);
    }

    private static Optional<UUID> uuidParam(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            throw Problem.invalidField(name, "must be a UUID");
        }
    }

    private static Optional<Instant> instantParam(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value));
        } catch (java.time.format.DateTimeParseException e) {
            throw Problem.invalidField(name, "must be an ISO-8601 instant, 2026-12-01T00:00:00Z");
        }
    }
}
