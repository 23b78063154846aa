package ir.flatrender.tools.processes;

import ir.flatrender.gateway.Gateway;
import ir.flatrender.gateway.GatewayConfig;
import ir.flatrender.gateway.identity.AccessTokens;
import ir.flatrender.migrations.Database;
import ir.flatrender.migrations.DatabaseConfig;
import ir.flatrender.migrations.embedded.EmbeddedPostgresConfig;
import ir.flatrender.migrations.embedded.EmbeddedPostgresServer;
import ir.flatrender.tools.FlatRender;
import ir.flatrender.tools.GatewayKeys;
import ir.flatrender.tools.options.DatabaseOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "gateway",
        description = "Run the REST gateway for web clients: identity, billing and the render API, forwarding renders"
                + " to the orchestrator over gRPC. OpenAPI document at /openapi.json.",
        footer = {
            "",
            "Examples:",
            "  flatrender gateway --orchestrator 127.0.0.1:7600 --data-dir flatrender-data",
            "  FLATRENDER_DB_URL=jdbc:postgresql://db/flatrender FLATRENDER_FARM_TOKEN=... \\",
            "    FLATRENDER_GATEWAY_KEYS=k1=BASE64URL flatrender gateway --listen 0.0.0.0:7700"
        })
public final class GatewayCommand implements Callable<Integer> {
    @ParentCommand
    FlatRender root;

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Option(
            names = "--listen",
            defaultValue = "0.0.0.0:7700",
            description = "HTTP address to listen on (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(
            names = "--orchestrator",
            defaultValue = "127.0.0.1:7600",
            description = "The orchestrator, host:port (default: ${DEFAULT-VALUE}).")
    String orchestrator;

    @Option(
            names = "--data-dir",
            defaultValue = "flatrender-data",
            description = "Where the signing keys and (without --db-url) the embedded database are"
                    + " (default: ${DEFAULT-VALUE}).")
    Path dataDirectory;

    @Option(
            names = "--token",
            defaultValue = "${env:FLATRENDER_GATEWAY_TOKEN}",
            description = "The gateway's own credential, from `flatrender nodes enroll-gateway NAME` (env"
                    + " FLATRENDER_GATEWAY_TOKEN). Not the farm token: the gateway may only act for the tenant"
                    + " each call names.")
    String token;

    @Option(
            names = "--console-token",
            defaultValue = "${env:FLATRENDER_CONSOLE_TOKEN}",
            description = "The operators' console's credential, from `flatrender nodes enroll-console NAME` (env"
                    + " FLATRENDER_CONSOLE_TOKEN): the console's farm administration uses it. Unset: the console"
                    + " cannot administer the farm.")
    String consoleToken;

    @Option(
            names = "--farm-tls-ca",
            description = "Speak TLS to the orchestrator, checking its certificate against these CA certificates"
                    + " (PEM); plain text without.")
    Path farmTlsCa;

    @Option(
            names = "--farm-tls-cert",
            description = "Mutual TLS: the gateway's own PEM certificate toward the orchestrator (gateway.pem from"
                    + " `flatrender certs init`), with --farm-tls-key and --farm-tls-ca; read again when it changes.")
    Path farmTlsCert;

    @Option(names = "--farm-tls-key", description = "The PEM private key of --farm-tls-cert.")
    Path farmTlsKey;

    @Option(
            names = "--signing-keys",
            defaultValue = "${env:FLATRENDER_GATEWAY_KEYS}",
            description = "Access-token keys, id=base64url[,id=base64url…], the signing one first (env"
                    + " FLATRENDER_GATEWAY_KEYS); else made once in DATA_DIR/gateway-keys.")
    String signingKeys;

    @Option(
            names = "--master-key",
            defaultValue = "${env:FLATRENDER_GATEWAY_MASTER_KEY}",
            description = "AES-256 key (base64) for secrets kept encrypted: TOTP seeds, webhook secrets (env"
                    + " FLATRENDER_GATEWAY_MASTER_KEY); else made once in DATA_DIR/gateway-master-key.")
    String masterKey;

    @Option(
            names = "--allow-private-webhooks",
            description = "Let webhooks point at loopback and private addresses (off: tenants cannot reach the farm's"
                    + " own network through them).")
    boolean allowPrivateWebhooks;

    @Option(
            names = "--zarinpal",
            defaultValue = "${env:FLATRENDER_ZARINPAL_URL}",
            description = "Run the payment broker against this ZarinPal: production, sandbox or a base URL (env"
                    + " FLATRENDER_ZARINPAL_URL); unset: no broker.")
    String zarinPal;

    @Option(
            names = "--zarinpal-merchant",
            defaultValue = "${env:FLATRENDER_ZARINPAL_MERCHANT}",
            description = "The shared ZarinPal merchant id (env FLATRENDER_ZARINPAL_MERCHANT).")
    String merchant;

    @Option(
            names = "--zarinpal-unit",
            defaultValue = "IRR",
            description =
                    "What amounts are sent to ZarinPal in: IRR or IRT (Toman, Rial / 10) (default: ${DEFAULT-VALUE}).")
    ir.flatrender.gateway.payment.ZarinPal.Unit unit;

    @Option(
            names = "--public-url",
            defaultValue = "${env:FLATRENDER_PUBLIC_URL}",
            description =
                    "The gateway's public base URL, which ZarinPal sends buyers back to (https://pay.flatrender.ir;"
                            + " env FLATRENDER_PUBLIC_URL); unset: the listening address.")
    String publicUrl;

    @Option(
            names = "--payment-expiry-minutes",
            defaultValue = "30",
            description = "How long a payment waits for its buyer before it expires (default: ${DEFAULT-VALUE}).")
    int expiryMinutes;

    @Option(
            names = "--reconcile-seconds",
            defaultValue = "60",
            description = "How often unverified payments are looked for at ZarinPal and old ones expired (default:"
                    + " ${DEFAULT-VALUE}).")
    int reconcileSeconds;

    @Option(
            names = "--payment-db-user",
            defaultValue = "${env:FLATRENDER_PAYMENT_DB_USER}",
            description = "With --db-url: the broker's login (a member of flatrender_payment) on the same database (env"
                    + " FLATRENDER_PAYMENT_DB_USER); unset: the broker shares the gateway's connection.")
    String paymentUser;

    @Option(
            names = "--payment-db-password",
            defaultValue = "${env:FLATRENDER_PAYMENT_DB_PASSWORD}",
            description = "The broker's login's password (env FLATRENDER_PAYMENT_DB_PASSWORD).")
    String paymentPassword;

    @Option(
            names = "--coming-soon",
            paramLabel = "INSTANT",
            description = "The web app shows its coming-soon overlay until this instant (ISO 8601 in UTC, e.g."
                    + " 2027-03-21T00:00:00Z); unset: open.")
    java.time.Instant comingSoon;

    @Option(
            names = "--trusted-proxy",
            split = ",",
            description = "A TLS proxy or balancer in front of the gateway (IP address or CIDR block; repeatable):"
                    + " its X-Forwarded-For names the client for rate limits and stream caps. None by default:"
                    + " every client is the socket's peer.")
    List<String> trustedProxies = new java.util.ArrayList<>();

    @Override
    @SuppressWarnings("try") // the embedded server is only held running while the gateway runs
    public Integer call() throws Exception {
        Listen address = Listen.parse(listen);
        Path data = dataDirectory.toAbsolutePath();
        if (token == null || token.isBlank()) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(),
                    "the gateway needs its own credential: run `flatrender nodes enroll-gateway NAME` against the"
                            + " orchestrator and pass the token as --token (or FLATRENDER_GATEWAY_TOKEN)");
        }
        String farmToken = token.strip();
        Map<String, byte[]> keys = signingKeys == null || signingKeys.isBlank()
                ? GatewayKeys.readOrCreate(data)
                : AccessTokens.parseKeys(signingKeys.strip());
        GatewayConfig config = GatewayConfig.builder(
                        orchestrator,
                        farmToken,
                        keys,
                        masterKey == null || masterKey.isBlank()
                                ? GatewayKeys.masterKey(data)
                                : java.util.Base64.getDecoder().decode(masterKey.strip()))
                .listen(address.host(), address.port())
                .allowPrivateWebhooks(allowPrivateWebhooks)
                .farmTrustCertificates(Optional.ofNullable(farmTlsCa).map(Path::toAbsolutePath))
                .farmClientCertificate(farmClientCertificate())
                .comingSoon(Optional.ofNullable(comingSoon))
                .consoleToken(
                        Optional.ofNullable(consoleToken).map(String::strip).filter(value -> !value.isEmpty()))
                .build();
        Optional<ir.flatrender.gateway.payment.PaymentConfig> payments = paymentConfig();
        EmbeddedPostgresServer postgres = null;
        DatabaseConfig paymentDatabase = null;
        DatabaseConfig databaseConfig;
        if (database.external().isPresent()) {
            databaseConfig = database.external().get();
        } else {
            postgres = EmbeddedPostgresServer.start(
                    new EmbeddedPostgresConfig(Optional.of(data.resolve("postgres")), database.embeddedPort()));
            postgres.ensureDatabase("flatrender", null);
            try {
                // The owner migrates; the gateway runs as a login in its own role.
                databaseConfig = ServiceLogins.migrateAndLogIn(
                                DatabaseConfig.of(postgres.jdbcUrl("flatrender")),
                                java.util.List.of(
                                        ir.flatrender.migrations.Schema.IDENTITY,
                                        ir.flatrender.migrations.Schema.PAYMENT),
                                ir.flatrender.migrations.ServiceRoles.GATEWAY,
                                "gateway",
                                data,
                                root.json())
                        .withMaxPoolSize(database.pool());
                // Migrated just above; only the broker's login is made.
                paymentDatabase = ServiceLogins.migrateAndLogIn(
                                DatabaseConfig.of(postgres.jdbcUrl("flatrender")),
                                java.util.List.of(),
                                ir.flatrender.migrations.ServiceRoles.PAYMENT,
                                "payment",
                                data,
                                root.json())
                        .withMaxPoolSize(database.pool());
            } catch (java.io.IOException | RuntimeException e) {
                postgres.close();
                throw e;
            }
        }
        Shutdown shutdown = Shutdown.onSignal();
        if (postgres == null) {
            // An external database: the broker runs as its own login when one is given (README),
            // else over the gateway's credentials. Each schema is migrated (brought up to date, or
            // only checked when `db migrate` did it) over the connection that uses it: a login in
            // the gateway's role (deploy/DEPLOYMENT.md) may not even read the payment schema, and
            // without the broker the gateway does not touch it.
            paymentDatabase = blankToNull(paymentUser) == null
                    ? databaseConfig
                    : ir.flatrender.migrations.ServiceRoles.loginConfig(
                                    databaseConfig, paymentUser.strip(), paymentPassword == null ? "" : paymentPassword)
                            .withMaxPoolSize(database.pool());
            migrate(databaseConfig, ir.flatrender.migrations.Schema.IDENTITY);
            if (payments.isPresent()) {
                migrate(paymentDatabase, ir.flatrender.migrations.Schema.PAYMENT);
            }
        }
        DatabaseConfig brokerDatabase = paymentDatabase;
        Optional<FarmPayments.OwnClient> client =
                payments.isPresent() ? Optional.of(FarmPayments.readOrCreate(data, root.json())) : Optional.empty();
        try (EmbeddedPostgresServer ignored = postgres;
                Database db = Database.connect(databaseConfig, "gateway", root.json());
                Database paymentDb =
                        payments.isPresent() ? Database.connect(brokerDatabase, "payment", root.json()) : null;
                Gateway gateway = Gateway.startMigrated(
                        config,
                        ir.flatrender.gateway.GatewayLimits.DEFAULT.withTrustedProxies(trustedProxies),
                        db,
                        payments.map(p -> new Gateway.Payments(paymentDb, p)),
                        client.map(c -> new ir.flatrender.gateway.billing.CheckoutConfig(
                                Optional.empty(),
                                Optional.ofNullable(blankToNull(publicUrl)),
                                FarmPayments.FLATRENDER_CLIENT,
                                c.apiKey(),
                                c.hmacSecret(),
                                c.webhookSecret())),
                        root.json())) {
            if (client.isPresent()) {
                String url = Optional.ofNullable(blankToNull(publicUrl))
                        .orElse("http://" + address.host() + ":" + gateway.port());
                FarmPayments.provision(
                        gateway, client.get(), url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            }
            spec.commandLine()
                    .getOut()
                    .printf(
                            "gateway listening on http://%s:%d (orchestrator %s)%n",
                            address.host(), gateway.port(), orchestrator);
            payments.ifPresent(p -> spec.commandLine()
                    .getOut()
                    .printf(
                            "payment broker: ZarinPal %s, callback %s/callback/zarinpal%n",
                            p.zarinPalUrl(),
                            Optional.ofNullable(blankToNull(publicUrl))
                                    .orElse("http://" + address.host() + ":" + gateway.port())));
            spec.commandLine().getOut().flush();
            shutdown.await();
        } finally {
            shutdown.finished();
        }
        return 0;
    }

    private Optional<ir.flatrender.gateway.payment.PaymentConfig> paymentConfig() {
        String url = blankToNull(zarinPal);
        if (url == null) {
            return Optional.empty();
        }
        String base = switch (url) {
            case "production" -> ir.flatrender.gateway.payment.ZarinPal.PRODUCTION;
            case "sandbox" -> ir.flatrender.gateway.payment.ZarinPal.SANDBOX;
            default -> url;
        };
        if (expiryMinutes < 1 || reconcileSeconds < 1) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--payment-expiry-minutes and --reconcile-seconds must be at least 1");
        }
        if (blankToNull(merchant) == null) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--zarinpal needs --zarinpal-merchant (or FLATRENDER_ZARINPAL_MERCHANT)");
        }
        ir.flatrender.gateway.payment.PaymentConfig defaults =
                ir.flatrender.gateway.payment.PaymentConfig.defaults(base, merchant.strip());
        return Optional.of(new ir.flatrender.gateway.payment.PaymentConfig(
                defaults.zarinPalUrl(),
                defaults.merchantId(),
                unit,
                Optional.ofNullable(blankToNull(publicUrl)),
                java.time.Duration.ofMinutes(expiryMinutes),
                java.time.Duration.ofSeconds(reconcileSeconds),
                defaults.zarinPalTimeout(),
                defaults.returnLifetime(),
                defaults.webhookSchedule(),
                defaults.webhookPoll(),
                allowPrivateWebhooks,
                defaults.maxAmountRial(),
                defaults.callbackWait()));
    }

    private void migrate(DatabaseConfig over, ir.flatrender.migrations.Schema schema) {
        try (Database migrator = Database.connect(over.withMaxPoolSize(2), "migrations", root.json())) {
            migrator.migrate(java.util.List.of(schema));
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private Optional<ir.flatrender.media.tls.CertificateFiles> farmClientCertificate() {
        if ((farmTlsCert == null) != (farmTlsKey == null)) {
            throw new IllegalArgumentException("--farm-tls-cert and --farm-tls-key go together");
        }
        if (farmTlsCert != null && farmTlsCa == null) {
            throw new IllegalArgumentException("--farm-tls-cert needs --farm-tls-ca (mutual TLS is TLS)");
        }
        return farmTlsCert == null
                ? Optional.empty()
                : Optional.of(new ir.flatrender.media.tls.CertificateFiles(
                        farmTlsCert.toAbsolutePath(), farmTlsKey.toAbsolutePath()));
    }
}
