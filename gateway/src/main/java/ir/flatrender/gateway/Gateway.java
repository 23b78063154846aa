package ir.flatrender.gateway;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.json.JavalinJackson;
import ir.flatrender.gateway.billing.Billing;
import ir.flatrender.gateway.billing.BillingRoutes;
import ir.flatrender.gateway.billing.CheckoutConfig;
import ir.flatrender.gateway.billing.CheckoutRoutes;
import ir.flatrender.gateway.billing.FlatPayCheckoutBroker;
import ir.flatrender.gateway.billing.InvoiceRoutes;
import ir.flatrender.gateway.billing.Invoices;
import ir.flatrender.gateway.billing.PlanCheckouts;
import ir.flatrender.gateway.billing.Wallet;
import ir.flatrender.gateway.catalog.CatalogRoutes;
import ir.flatrender.gateway.catalog.CatalogService;
import ir.flatrender.gateway.console.ConsoleFarm;
import ir.flatrender.gateway.console.ConsoleRoutes;
import ir.flatrender.gateway.console.ConsoleTemplates;
import ir.flatrender.gateway.console.TemplateAdminRoutes;
import ir.flatrender.gateway.console.TenantAdminRoutes;
import ir.flatrender.gateway.console.TenantDirectory;
import ir.flatrender.gateway.http.ClientAddresses;
import ir.flatrender.gateway.http.RateLimiter;
import ir.flatrender.gateway.http.RequestLog;
import ir.flatrender.gateway.http.RouteTable;
import ir.flatrender.gateway.identity.AccessTokens;
import ir.flatrender.gateway.identity.Accounts;
import ir.flatrender.gateway.identity.AdminAudit;
import ir.flatrender.gateway.identity.ApiKeyRoutes;
import ir.flatrender.gateway.identity.ApiKeys;
import ir.flatrender.gateway.identity.AuthRoutes;
import ir.flatrender.gateway.identity.Callers;
import ir.flatrender.gateway.identity.Mfa;
import ir.flatrender.gateway.identity.PasswordChecks;
import ir.flatrender.gateway.identity.SecretBox;
import ir.flatrender.gateway.identity.TenantRoutes;
import ir.flatrender.gateway.identity.Tenants;
import ir.flatrender.gateway.payment.PaymentBroker;
import ir.flatrender.gateway.payment.PaymentConfig;
import ir.flatrender.gateway.renders.EventStreams;
import ir.flatrender.gateway.renders.FarmClient;
import ir.flatrender.gateway.renders.GrpcCatalogFarm;
import ir.flatrender.gateway.renders.GrpcRenderFarm;
import ir.flatrender.gateway.renders.RenderFarm.TemplateLength;
import ir.flatrender.gateway.renders.RenderOrders;
import ir.flatrender.gateway.renders.RenderRoutes;
import ir.flatrender.gateway.renders.RenderSettler;
import ir.flatrender.gateway.renders.TemplateRoutes;
import ir.flatrender.gateway.site.SiteRoutes;
import ir.flatrender.gateway.uploads.UploadRoutes;
import ir.flatrender.gateway.uploads.Uploads;
import ir.flatrender.gateway.webhooks.TenantWebhooks;
import ir.flatrender.gateway.webhooks.WebhookDeliverer;
import ir.flatrender.gateway.webhooks.WebhookRoutes;
import ir.flatrender.migrations.Database;
import ir.flatrender.migrations.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST gateway: identity, billing and the render API over HTTP (Javalin), the renders
 * forwarded to the orchestrator over gRPC. Errors are {@code application/problem+json}; every
 * response carries the request's id ({@code X-Request-Id}, the client's when it sent a sane
 * one).
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final Javalin app;
    private final ManagedChannel channel;
    private final RenderSettler settler;
    private final EventStreams streams;
    private final Optional<PaymentBroker> broker;
    private final List<RouteTable.Route> routes;
    /** What stops with the gateway once it no longer listens, in order, the farm's channel aside. */
    private final List<AutoCloseable> parts;

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
            EventStreams streams,
            Optional<PaymentBroker> broker,
            List<RouteTable.Route> routes,
            List<AutoCloseable> parts) {
        this.app = app;
        this.channel = channel;
        this.settler = settler;
        this.streams = streams;
        this.broker = broker;
        this.routes = routes;
        this.parts = parts;
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
        Jdbi jdbi = database.jdbi();
        Clock clock = Clock.systemUTC();
        Invoices invoices = new Invoices(jdbi, clock);
        Housekeeping housekeeping = new Housekeeping(jdbi, invoices);
        log.info("identity: {} log partition(s) made ahead", housekeeping.start());

        ManagedChannel channel = FarmClient.channel(
                config.farm().orchestrator(),
                config.farm().token(),
                config.farm().trustCertificates(),
                config.farm().clientCertificate());
        FarmClient farm = new FarmClient(channel, config.farm().deadline());
        AccessTokens tokens =
                new AccessTokens(config.tokens().signingKeys(), config.tokens().accessLifetime(), clock);
        Billing billing = new Billing(jdbi, json);
        Wallet wallet = new Wallet(jdbi, json);
        RateLimiter perKey = new RateLimiter(config.limits().requestsPerMinutePerKey());
        ApiKeys apiKeys = new ApiKeys(jdbi, json, clock);
        SecretBox secrets = new SecretBox(config.masterKey());
        RequestLog requestLog = new RequestLog(
                jdbi,
                ctx -> Callers.optionalPrincipal(ctx).map(p -> new RequestLog.Caller(p.tenantId(), p.apiKeyId())));
        RequestFilters filters = new RequestFilters(
                config.limits().maxBodySize().toBytes(),
                new RequestFilters.Limits(new RateLimiter(config.limits().requestsPerMinutePerIp()), perKey),
                new ClientAddresses(limits.trustedProxies()),
                tokens,
                apiKeys,
                requestLog);
        ProblemAnswers problems =
                new ProblemAnswers(config.limits().maxBodySize().toBytes(), json);
        Uploads uploads = new Uploads(jdbi, json);
        GrpcRenderFarm renderFarm = new GrpcRenderFarm(farm);
        RenderOrders orders = new RenderOrders(jdbi, billing, wallet, renderFarm, uploads, json);
        RenderSettler settler = new RenderSettler(orders, config.settlePeriod());
        EventStreams streams = new EventStreams(limits.streams());
        WebhookDeliverer deliverer = new WebhookDeliverer(
                jdbi,
                secrets,
                config.webhooks().schedule(),
                config.webhooks().allowPrivate(),
                config.webhooks().poll());
        // This gateway's own base URL, known once it listens: the default public URL of the
        // broker's callback and of the checkouts' return and webhook.
        AtomicReference<String> ownUrl = new AtomicReference<>();
        Supplier<String> own = () -> requireNonNull(ownUrl.get(), "the gateway is not listening yet");
        Optional<PaymentBroker> broker =
                payments.map(p -> new PaymentBroker(p.database().jdbi(), p.config(), secrets, perKey, own, json));
        List<AutoCloseable> parts = new ArrayList<>();
        broker.ifPresent(parts::add);
        parts.addAll(List.of(housekeeping, requestLog, settler, deliverer));
        AdminAudit adminAudit = new AdminAudit(jdbi);
        // The operators' console calls the farm's admin service with a credential of its own.
        Optional<ManagedChannel> consoleChannel = config.farm()
                .consoleToken()
                .map(token -> FarmClient.channel(
                        config.farm().orchestrator(),
                        token,
                        config.farm().trustCertificates(),
                        config.farm().clientCertificate()));
        consoleChannel.ifPresent(c -> parts.add(c::shutdownNow));
        ConsoleRoutes console = new ConsoleRoutes(
                consoleChannel.map(c -> new ConsoleFarm(c, config.farm().deadline())), streams, adminAudit, json);
        parts.add(console);
        AtomicReference<List<RouteTable.Route>> registered = new AtomicReference<>();
        byte[] openApi = openApi();
        SiteRoutes site = new SiteRoutes(
                Gateway.class.getClassLoader(),
                config.site().classpathRoot(),
                config.site().comingSoon(),
                clock,
                json);
        if (site.present()) {
            log.info("web app: served from classpath:{}", config.site().classpathRoot());
        } else {
            log.warn(
                    "web app: none at classpath:{}; its pages answer 404",
                    config.site().classpathRoot());
        }

        Javalin app;
        try {
            app = Javalin.create(javalin -> {
                javalin.jsonMapper(new JavalinJackson(json, false));
                javalin.http.maxRequestSize = config.limits().maxBodySize().toBytes();
                javalin.http.compressionStrategy = CompressionStrategy.NONE;
                javalin.startup.showJavalinBanner = false;
                javalin.jetty.host = config.listen().host();
                javalin.jetty.port = config.listen().port();
                javalin.routes.before(filters::before);
                javalin.routes.after(filters::after);

                RouteTable table = new RouteTable(javalin.routes);
                table.get("/healthz", ctx -> ctx.json(json.createObjectNode().put("status", "ok")));
                table.get(
                        "/openapi.json",
                        ctx -> ctx.contentType("application/json").result(openApi));
                Mfa mfa = new Mfa(jdbi, secrets, json, clock);
                Accounts accounts = new Accounts(
                        jdbi,
                        tokens,
                        new PasswordChecks(limits.passwords()),
                        config.tokens().refreshLifetime(),
                        mfa,
                        json,
                        clock);
                new AuthRoutes(accounts, mfa, json).register(table);
                new BillingRoutes(
                                billing,
                                wallet,
                                id -> renderFarm.template(id).map(TemplateLength::seconds),
                                adminAudit,
                                json)
                        .register(table);
                new TemplateRoutes(farm, uploads, json).register(table);
                new UploadRoutes(uploads, json).register(table);
                new CatalogRoutes(new CatalogService(new GrpcCatalogFarm(farm, json)), Callers::optionalPrincipal, json)
                        .register(table);
                new RenderRoutes(orders, farm, streams, json).register(table);
                new ApiKeyRoutes(apiKeys, json).register(table);
                new InvoiceRoutes(invoices, adminAudit, json).register(table);
                new TenantRoutes(new Tenants(jdbi, json), json).register(table);
                console.register(table);
                new TenantAdminRoutes(new TenantDirectory(jdbi, json), json).register(table);
                new TemplateAdminRoutes(
                                consoleChannel.map(c ->
                                        new ConsoleTemplates(c, config.farm().deadline())),
                                adminAudit,
                                json)
                        .register(table);
                new WebhookRoutes(
                                new TenantWebhooks(jdbi, secrets, json),
                                config.webhooks().allowPrivate(),
                                json)
                        .register(table);
                broker.ifPresent(b -> b.register(table, adminAudit));
                checkout.ifPresent(c -> new CheckoutRoutes(
                                new PlanCheckouts(jdbi, wallet, new FlatPayCheckoutBroker(c, own, json), json),
                                c,
                                own,
                                json)
                        .register(table));
                site.register(table);
                registered.set(table.registered());
                // Last: the pages answer the GETs no route took.
                site.registerPages(javalin.routes);
                problems.register(javalin.routes);
            });
            app.start();
        } catch (RuntimeException e) {
            streams.close();
            stop(parts);
            channel.shutdownNow();
            throw e;
        }
        ownUrl.set("http://"
                + (config.listen().host().equals("0.0.0.0")
                        ? "127.0.0.1"
                        : config.listen().host()) + ":" + app.port());
        log.info(
                "gateway listening on {}:{}, orchestrator {}",
                config.listen().host(),
                app.port(),
                config.farm().orchestrator());
        return new Gateway(app, channel, settler, streams, broker, registered.get(), parts);
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

    /** Stops each part in order; one that fails to stop does not keep the rest running, and its failure is thrown after. */
    private static void stop(List<AutoCloseable> parts) {
        RuntimeException failed = null;
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                RuntimeException thrown = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                if (failed == null) {
                    failed = thrown;
                } else {
                    failed.addSuppressed(thrown);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
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
        // The event streams end first: the server waits for open responses when it stops.
        streams.close();
        app.stop();
        stop(parts);
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
