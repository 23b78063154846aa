package ir.flatrender.tools.processes;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.Gateway;
import ir.flatrender.gateway.GatewayConfig;
import ir.flatrender.migrations.Database;
import ir.flatrender.migrations.ServiceRoles;
import ir.flatrender.tools.GatewayKeys;
import java.io.IOException;
import java.nio.file.Path;

/** The REST gateway of a {@link LocalFarm} ({@code dev}, {@code demo}), as its own database role. */
final class FarmGateway {
    private FarmGateway() {}

    /**
     * @param adminPassword the dev farm administrator's password, to make it with
     * @param zarinPalUrl the ZarinPal the payment broker pays through; empty: no broker
     * @param comingSoon the web app's launch, before which it shows its coming-soon overlay
     */
    record Options(
            java.util.Optional<String> adminPassword,
            java.util.Optional<String> zarinPalUrl,
            java.util.Optional<java.time.Instant> comingSoon) {
        Options {
            java.util.Objects.requireNonNull(adminPassword, "adminPassword is null");
            java.util.Objects.requireNonNull(zarinPalUrl, "zarinPalUrl is null");
            java.util.Objects.requireNonNull(comingSoon, "comingSoon is null");
        }
    }

    /**
     * Starts the gateway over a login of {@code flatrender_gateway} (the farm migrated the
     * identity schema); its keys and passwords are kept in {@code data}. With an administrator
     * password, the dev farm administrator is made first unless it exists.
     *
     * @param token the gateway's own credential ({@link LocalFarm#gatewayCredential})
     * @param consoleToken the operators' console's credential ({@link LocalFarm#consoleCredential})
     */
    static Gateway start(
            LocalFarm farm,
            Path data,
            String token,
            String consoleToken,
            Listen address,
            Options options,
            ObjectMapper json)
            throws IOException {
        java.util.Optional<String> adminPassword = options.adminPassword();
        java.util.Optional<String> zarinPalUrl = options.zarinPalUrl();
        Database own = farm.connectService(
                ServiceRoles.GATEWAY,
                "flatrender_gateway_login",
                ServiceLogins.password(data, "gateway"),
                "gateway",
                json);
        adminPassword.ifPresent(password -> ir.flatrender.gateway.identity.FarmAdmins.ensure(
                own.jdbi(), DevCommand.DEV_ADMIN, "Farm administrator", password));
        GatewayConfig config = GatewayConfig.builder(
                        farm.target(), token, GatewayKeys.readOrCreate(data), GatewayKeys.masterKey(data))
                .listen(address.host(), address.port())
                // A farm on one machine: webhooks to a receiver on it too.
                .allowPrivateWebhooks(true)
                .comingSoon(options.comingSoon())
                .consoleToken(java.util.Optional.of(consoleToken))
                .build();
        if (zarinPalUrl.isEmpty()) {
            return Gateway.startMigrated(config, own, json);
        }
        Database payments = farm.connectService(
                ServiceRoles.PAYMENT,
                "flatrender_payment_login",
                ServiceLogins.password(data, "payment"),
                "payment",
                json);
        ir.flatrender.gateway.payment.PaymentConfig paymentConfig =
                ir.flatrender.gateway.payment.PaymentConfig.dev(zarinPalUrl.get(), FarmPayments.DEV_MERCHANT);
        FarmPayments.OwnClient client = FarmPayments.readOrCreate(data, json);
        Gateway gateway = Gateway.startMigrated(
                config,
                own,
                java.util.Optional.of(new Gateway.Payments(payments, paymentConfig)),
                java.util.Optional.of(FarmPayments.checkout(client)),
                json);
        try {
            FarmPayments.provision(gateway, client, "http://" + address.host() + ":" + gateway.port());
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
        return gateway;
    }
}
