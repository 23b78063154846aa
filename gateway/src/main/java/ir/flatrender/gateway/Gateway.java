package ir.flatrender.gateway;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import ir.flatrender.gateway.billing.Billing;
import ir.flatrender.gateway.billing.BillingRoutes;
import ir.flatrender.gateway.billing.CheckoutConfig;
import ir.flatrender.gateway.billing.CheckoutRoutes;
import ir.flatrender.gateway.billing.FlatPayCheckoutBroker;
import ir.flatrender.gateway.billing.PlanCheckouts;
import ir.flatrender.gateway.billing.Wallet;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.http.RateLimiter;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.AccessTokens;
import ir.flatrender.gateway.identity.AuthRoutes;
import ir.flatrender.gateway.identity.Callers;
import ir.flatrender.gateway.payment.PaymentBroker;
import ir.flatrender.gateway.payment.PaymentConfig;
import ir.flatrender.gateway.renders.FarmClient;
import ir.flatrender.gateway.renders.GrpcRenderFarm;
import ir.flatrender.gateway.renders.RenderOrders;
import ir.flatrender.gateway.renders.RenderRoutes;
import ir.flatrender.gateway.renders.RenderSettler;
import ir.flatrender.gateway.renders.TemplateRoutes;
import ir.flatrender.gateway.uploads.UploadRoutes;
import ir.flatrender.gateway.uploads.Uploads;
import ir.flatrender.migrations.Database;
import ir.flatrender.migrations.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The REST gateway: identity, billing and the render API over HTTP (Javalin), the renders
 * forwarded to the orchestrator over gRPC. Errors are {@code application/problem+json}; every
 * response carries the request's id ({@code X-Request-Id}, the client's when it sent a sane
 * one).
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    private static final Pattern REQUEST_ID = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
    static final String PROBLEM_JSON = "application/problem+json";

    private final Javalin app;
    private final ManagedChannel channel;
    private final RenderSettler settler;
    private final ir.flatrender.gateway.renders.EventStreams streams;
    private final ir.flatrender.gateway.webhooks.WebhookDeliverer deliverer;
    private final List<RouteTable.Route> routes;
    private final ir.flatrender.gateway.http.RequestLog requestLog;
    private final java.util.concurrent.ScheduledExecutorService housekeeping;
    private final Optional<PaymentBroker> broker;

    /** The payment broker's database (its own role's pool) and settings. */
    public record Payments(Database database, PaymentConfig config) {
        public Payments {
            requireNonNull(database, "database is null");
            requireNonNull(config, "config is null");
        }
    }

    private Gateway(
            Javalin app,
            ManagedChannel channel,
            RenderSettler settler,
            ir.flatrender.gateway.renders.EventStreams streams,
            ir.flatrender.gateway.webhooks.WebhookDeliverer deliverer,
            ir.flatrender.gateway.http.RequestLog requestLog,
            java.util.concurrent.ScheduledExecutorService housekeeping,
            Optional<PaymentBroker> broker,
            List<RouteTable.Route> routes) {
        this.app = app;
        this.channel = channel;
        this.settler = settler;
        this.streams = streams;
        this.deliverer = deliverer;
        this.requestLog = requestLog;
        this.housekeeping = housekeeping;
        this.broker = broker;
        this.routes = routes;
    }

    /**
     * Migrates the identity and payment schemas over {@code database}, connects to the
     * orchestrator, and starts listening; without the payment broker.
     */
    public static Gateway start(GatewayConfig config, Database database, ObjectMapper json) {
        requireNonNull(database, "database is null");
        database.migrate(List.of(Schema.IDENTITY, Schema.PAYMENT));
        return startMigrated(config, database, json);
    }

    /** Starts without the payment broker and plan checkouts. */
    public static Gateway startMigrated(GatewayConfig config, Database database, ObjectMapper json) {
        return startMigrated(config, database, Optional.empty(), Optional.empty(), json);
    }

    /**
     * Starts over a database whose identity schema is migrated already: the way to run as the
     * gateway's own role ({@code flatrender_gateway}), which may not change the schema.
     */
    public static Gateway startMigrated(
            GatewayConfig config,
            Database database,
            Optional<Payments> payments,
            Optional<CheckoutConfig> checkout,
            ObjectMapper json) {
        return startMigrated(config, GatewayLimits.DEFAULT, database, payments, checkout, json);
    }

    /** As above, with {@code limits} on what one caller may hold at once. */
    public static Gateway startMigrated(
            GatewayConfig config,
            GatewayLimits limits,
            Database database,
            Optional<Payments> payments,
            Optional<CheckoutConfig> checkout,
            ObjectMapper json) {
        requireNonNull(config, "config is null");
        requireNonNull(limits, "limits is null");
        requireNonNull(payments, "payments is null");
        requireNonNull(checkout, "checkout is null");
        requireNonNull(database, "database is null");
        requireNonNull(json, "json is null");
        int made = database.jdbi()
                .withHandle(h -> h.createQuery("SELECT identity.make_monthly_partitions(2)")
                        .mapTo(Integer.class)
                        .one());
        log.info("identity: {} log partition(s) made ahead", made);

        ManagedChannel channel =
                FarmClient.channel(config.orchestrator(), config.farmToken(), config.farmTrustCertificates());
        FarmClient farm = new FarmClient(channel, config.farmDeadline());
        Clock clock = Clock.systemUTC();
        AccessTokens tokens = new AccessTokens(config.signingKeys(), config.accessTokenLifetime(), clock);
        Billing billing = new Billing(database.jdbi(), json);
        Wallet wallet = new Wallet(database.jdbi(), json);
        RateLimiter perIp = new RateLimiter(config.requestsPerMinutePerIp());
        ir.flatrender.gateway.http.ClientAddresses clients =
                new ir.flatrender.gateway.http.ClientAddresses(limits.trustedProxies());
        RateLimiter perKey = new RateLimiter(config.requestsPerMinutePerKey());
        ir.flatrender.gateway.identity.ApiKeys apiKeys =
                new ir.flatrender.gateway.identity.ApiKeys(database.jdbi(), json, clock);
        ir.flatrender.gateway.identity.SecretBox secrets =
                new ir.flatrender.gateway.identity.SecretBox(config.masterKey());
        ir.flatrender.gateway.billing.Invoices invoices =
                new ir.flatrender.gateway.billing.Invoices(database.jdbi(), clock);
        java.util.concurrent.ScheduledExecutorService housekeeping =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread thread = new Thread(r, "identity-housekeeping");
                    thread.setDaemon(true);
                    return thread;
                });
        // Log partitions two months ahead, and last month's reseller invoices, every six hours.
        housekeeping.scheduleWithFixedDelay(
                () -> {
                    try {
                        database.jdbi()
                                .useHandle(h -> h.createQuery("SELECT identity.make_monthly_partitions(2)")
                                        .mapTo(Integer.class)
                                        .one());
                        int invoiced = invoices.make(java.time.YearMonth.now(java.time.ZoneOffset.UTC)
                                .minusMonths(1));
                        if (invoiced > 0) {
                            log.info("{} reseller invoice(s) made for last month", invoiced);
                        }
                    } catch (RuntimeException e) {
                        log.warn("identity housekeeping failed; it runs again: {}", e.toString());
                    }
                },
                0,
                6,
                TimeUnit.HOURS);
        ir.flatrender.gateway.http.RequestLog requestLog = new ir.flatrender.gateway.http.RequestLog(
                database.jdbi(),
                ctx -> Callers.optionalPrincipal(ctx)
                        .map(p -> new ir.flatrender.gateway.http.RequestLog.Caller(p.tenantId(), p.apiKeyId())));
        Uploads uploads = new Uploads(database.jdbi(), json);
        GrpcRenderFarm renderFarm = new GrpcRenderFarm(farm);
        RenderOrders orders = new RenderOrders(database.jdbi(), billing, wallet, renderFarm, uploads, json);
        RenderSettler settler = new RenderSettler(orders, config.settlePeriod());
        ir.flatrender.gateway.renders.EventStreams streams =
                new ir.flatrender.gateway.renders.EventStreams(limits.streams());
        ir.flatrender.gateway.webhooks.WebhookDeliverer deliverer = new ir.flatrender.gateway.webhooks.WebhookDeliverer(
                database.jdbi(),
                secrets,
                config.webhookSchedule(),
                config.allowPrivateWebhooks(),
                config.webhookPoll());
        // This gateway's own base URL, known once it listens: the default public URL of the
        // broker's callback and of the checkouts' return and webhook.
        AtomicReference<String> ownUrl = new AtomicReference<>();
        Supplier<String> own = () -> requireNonNull(ownUrl.get(), "the gateway is not listening yet");
        Optional<PaymentBroker> broker =
                payments.map(p -> new PaymentBroker(p.database().jdbi(), p.config(), secrets, perKey, own, json));
        AtomicReference<List<RouteTable.Route>> registered = new AtomicReference<>();
        byte[] openApi = openApi();

        Javalin app;
        try {
            app = Javalin.create(javalin -> {
                javalin.jsonMapper(new JavalinJackson(json, false));
                javalin.http.maxRequestSize = config.maxBodyBytes();
                javalin.http.compressionStrategy = CompressionStrategy.NONE;
                javalin.startup.showJavalinBanner = false;
                javalin.jetty.host = config.host();
                javalin.jetty.port = config.port();

                javalin.routes.before(ctx -> {
                    ir.flatrender.gateway.http.RequestLog.started(ctx);
                    String id = ctx.header("X-Request-Id");
                    if (id == null || !REQUEST_ID.matcher(id).matches()) {
                        id = UUID.randomUUID().toString();
                    }
                    ctx.attribute("flatrender.requestId", id);
                    ctx.header("X-Request-Id", id);
                    MDC.put("request", id);
                    perIp.acquire("ip:" + clients.remember(ctx), "this address");
                    long length = ctx.contentLength();
                    // An upload's body is a picture, read by its route up to its own limit.
                    long limit = ctx.path().equals(UploadRoutes.PATH) && ctx.method() == HandlerType.POST
                            ? Uploads.MAX_BYTES
                            : config.maxBodyBytes();
                    if (length > limit) {
                        throw Problem.of(
                                413,
                                "body-too-large",
                                "Request body too large",
                                "the body has " + length + " bytes; at most " + limit + " are taken");
                    }
                    if (ctx.path().startsWith("/v1/pay/")
                            || ctx.path().startsWith("/callback/")
                            || ctx.path().equals(CheckoutConfig.WEBHOOK_PATH)) {
                        // Signed by the caller (a client app, ZarinPal's buyer, the broker): checked by the route.
                        return;
                    }
                    String authorization = ctx.header("Authorization");
                    String apiKey = ctx.header("X-Api-Key");
                    if (authorization != null) {
                        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                            throw Problem.unauthorized("the Authorization header takes a Bearer token");
                        }
                        String bearer = authorization.substring(7).trim();
                        if (ir.flatrender.gateway.identity.ApiKeys.looksLikeKey(bearer)) {
                            apiKey = bearer;
                        } else {
                            Callers.authenticate(ctx, tokens.verify(bearer));
                        }
                    }
                    if (apiKey != null) {
                        ir.flatrender.gateway.identity.Principal key = apiKeys.authenticate(apiKey.trim());
                        perKey.acquire("key:" + key.apiKeyId().orElseThrow(), "this API key");
                        Callers.authenticate(ctx, key);
                    }
                });
                javalin.routes.after(ctx -> {
                    requestLog.record(ctx);
                    MDC.remove("request");
                });

                RouteTable table = new RouteTable(javalin.routes);
                table.get("/healthz", ctx -> ctx.json(json.createObjectNode().put("status", "ok")));
                table.get(
                        "/openapi.json",
                        ctx -> ctx.contentType("application/json").result(openApi));
                ir.flatrender.gateway.identity.Mfa mfa =
                        new ir.flatrender.gateway.identity.Mfa(database.jdbi(), secrets, json, clock);
                new AuthRoutes(
                                new ir.flatrender.gateway.identity.Accounts(
                                        database.jdbi(),
                                        tokens,
                                        new ir.flatrender.gateway.identity.PasswordChecks(limits.passwords()),
                                        config.refreshTokenLifetime(),
                                        mfa,
                                        json,
                                        clock),
                                mfa,
                                json)
                        .register(table);
                new BillingRoutes(
                                billing,
                                wallet,
                                id -> renderFarm
                                        .template(id)
                                        .map(ir.flatrender.gateway.renders.RenderFarm.TemplateLength::seconds),
                                json)
                        .register(table);
                new TemplateRoutes(farm, uploads, json).register(table);
                new UploadRoutes(uploads, json).register(table);
                new ir.flatrender.gateway.catalog.CatalogRoutes(
                                new ir.flatrender.gateway.catalog.CatalogService(
                                        new ir.flatrender.gateway.renders.GrpcCatalogFarm(farm, json)),
                                Callers::optionalPrincipal,
                                json)
                        .register(table);
                new RenderRoutes(orders, farm, streams, json).register(table);
                new ir.flatrender.gateway.identity.ApiKeyRoutes(apiKeys, json).register(table);
                new ir.flatrender.gateway.billing.InvoiceRoutes(invoices, json).register(table);
                new ir.flatrender.gateway.identity.TenantRoutes(
                                new ir.flatrender.gateway.identity.Tenants(database.jdbi(), json), json)
                        .register(table);
                new ir.flatrender.gateway.webhooks.WebhookRoutes(
                                new ir.flatrender.gateway.webhooks.TenantWebhooks(database.jdbi(), secrets, json),
                                config.allowPrivateWebhooks(),
                                json)
                        .register(table);
                broker.ifPresent(b -> b.register(table));
                checkout.ifPresent(c -> new CheckoutRoutes(
                                new PlanCheckouts(
                                        database.jdbi(), wallet, new FlatPayCheckoutBroker(c, own, json), json),
                                c,
                                own,
                                json)
                        .register(table));
                registered.set(table.registered());

                javalin.routes.exception(Problem.class, (e, ctx) -> problem(ctx, e, json));
                javalin.routes.exception(
                        HttpResponseException.class,
                        (e, ctx) -> problem(
                                ctx,
                                switch (e.getStatus()) {
                                    case 404 -> Problem.notFound(ctx.method() + " " + ctx.path());
                                    case 413 ->
                                        Problem.of(
                                                413,
                                                "body-too-large",
                                                "Request body too large",
                                                "at most " + config.maxBodyBytes() + " bytes are taken");
                                    default ->
                                        Problem.of(
                                                e.getStatus(),
                                                "http-" + e.getStatus(),
                                                e.getMessage() == null ? "Error" : e.getMessage(),
                                                e.getMessage());
                                },
                                json));
                javalin.routes.exception(Exception.class, (e, ctx) -> {
                    log.error("{} {} failed", ctx.method(), ctx.path(), e);
                    problem(
                            ctx,
                            Problem.of(
                                    500,
                                    "internal",
                                    "Internal error",
                                    "the gateway failed; the request id says where in its log"),
                            json);
                });
                javalin.routes.error(404, "*", ctx -> {
                    if (!PROBLEM_JSON.equals(ctx.res().getContentType())) {
                        problem(ctx, Problem.notFound(ctx.method() + " " + ctx.path()), json);
                    }
                });
            });
            app.start();
        } catch (RuntimeException e) {
            broker.ifPresent(PaymentBroker::close);
            housekeeping.shutdownNow();
            requestLog.close();
            streams.close();
            settler.close();
            deliverer.close();
            channel.shutdownNow();
            throw e;
        }
        ownUrl.set("http://" + (config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host()) + ":" + app.port());
        log.info("gateway listening on {}:{}, orchestrator {}", config.host(), app.port(), config.orchestrator());
        return new Gateway(
                app, channel, settler, streams, deliverer, requestLog, housekeeping, broker, registered.get());
    }

    private static byte[] openApi() {
        try (InputStream in = Gateway.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the gateway's resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void problem(Context ctx, Problem problem, ObjectMapper json) {
        ObjectNode body = json.createObjectNode();
        body.put("type", problem.type());
        body.put("title", problem.title());
        body.put("status", problem.status());
        if (problem.getMessage() != null) {
            body.put("detail", problem.getMessage());
        }
        body.put("instance", ctx.path());
        String requestId = ctx.attribute("flatrender.requestId");
        if (requestId != null) {
            body.put("request_id", requestId);
        }
        if (!problem.errors().isEmpty()) {
            ArrayNode errors = body.putArray("errors");
            problem.errors()
                    .forEach(e -> errors.addObject().put("field", e.field()).put("message", e.message()));
        }
        problem.headers().forEach(ctx::header);
        ctx.status(problem.status())
                .contentType(PROBLEM_JSON)
                .result(body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public int port() {
        return app.port();
    }

    /** Every route, as registered: the OpenAPI document is checked against it. */
    public List<RouteTable.Route> routes() {
        return routes;
    }

    /** The payment broker, when this gateway runs one. */
    public Optional<PaymentBroker> payments() {
        return broker;
    }

    /** Settles the open renders now (tests; the settler also runs on its own). */
    public void settleNow() {
        settler.sweep();
    }

    @Override
    public void close() {
        streams.close();
        app.stop();
        broker.ifPresent(PaymentBroker::close);
        housekeeping.shutdownNow();
        requestLog.close();
        settler.close();
        deliverer.close();
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
