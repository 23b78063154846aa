package ir.flatrender.tools.farm.hosts;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/**
 * PostgreSQL for a host of {@link Hosts}: a real server (zonky's binaries) that listens on the
 * host's address as well as loopback and lets in, by scram-sha-256 password only, clients of the
 * hosts' network, with a database {@code farm}. It runs until its standard input closes (the
 * test closed it, or died), then shuts down. The superuser's password comes in {@code
 * HOST_PG_PASSWORD}.
 *
 * <p>Arguments: data directory, listen address, port, the clients' network (CIDR).
 */
public final class HostPostgres {
    private HostPostgres() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        String listen = args[1];
        int port = Integer.parseInt(args[2]);
        String network = args[3];
        String password = System.getenv("HOST_PG_PASSWORD");
        if (password == null || password.isBlank()) {
            throw new IllegalArgumentException("HOST_PG_PASSWORD is not set");
        }
        Path passwordFile = Files.createTempFile("host-pg-", ".pw");
        Files.writeString(passwordFile, password);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(data)
                .setServerConfig("listen_addresses", "127.0.0.1," + listen)
                .setServerConfig("max_connections", "200")
                .setServerConfig("password_encryption", "scram-sha-256")
                .setLocaleConfig("auth", "scram-sha-256")
                .setLocaleConfig("pwfile", passwordFile.toString())
                .setConnectConfig("password", password)
                .setDataDirectoryCustomizer(dir -> {
                    try {
                        Files.writeString(
                                dir.toPath().resolve("pg_hba.conf"),
                                String.join(
                                        "\n",
                                        "local all all scram-sha-256",
                                        "host all all 127.0.0.1/32 scram-sha-256",
                                        "host all all " + network + " scram-sha-256",
                                        ""));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .setPGStartupWait(java.time.Duration.ofSeconds(60))
                .start();
        Files.deleteIfExists(passwordFile);
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE farm");
        }
        System.out.println("PostgreSQL listening on " + listen + ":" + port);
        System.out.flush();
        while (System.in.read() != -1) {
            // only the end of the input matters
        }
        postgres.close();
    }
}
