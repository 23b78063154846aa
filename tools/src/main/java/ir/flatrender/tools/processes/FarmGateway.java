package ir.flatrender.tools.processes;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.Gateway;
import ir.flatrender.gateway.GatewayConfig;
import ir.flatrender.migrations.Database;
import ir.flatrender.migrations.Schema;
import ir.flatrender.migrations.ServiceRoles;
import ir.flatrender.tools.GatewayKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The REST gateway of a {@link LocalFarm} ({@code dev}, {@code demo}), as its own database role. */
final class FarmGateway {
    private FarmGateway() {}

    /**
     * Migrates the identity schema over the farm's connection, then starts the gateway over a
     * login of {@code flatrender_gateway}; its keys and passwords are kept in {@code data}.
     */
    static Gateway start(LocalFarm farm, Path data, String token, Listen address, ObjectMapper json)
            throws IOException {
        farm.database().migrate(List.of(Schema.IDENTITY));
        Database own = farm.connectService(
                ServiceRoles.GATEWAY, "flatrender_gateway_login", GatewayKeys.databasePassword(data), "gateway", json);
        return Gateway.startMigrated(
                GatewayConfig.defaults(
                                farm.target(), token, GatewayKeys.readOrCreate(data), GatewayKeys.masterKey(data))
                        .withListen(address.host(), address.port())
                        // A farm on one machine: webhooks to a receiver on it too.
                        .withAllowPrivateWebhooks(true),
                own,
                json);
    }
}
