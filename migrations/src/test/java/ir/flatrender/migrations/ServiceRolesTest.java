package ir.flatrender.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServiceRolesTest {
    @Test
    void aLoginKeepsTheUrlsConnectionSettingsButNotItsCredentials() {
        DatabaseConfig owner = new DatabaseConfig(
                "jdbc:postgresql://db.internal:5432/farm?user=owner&sslmode=verify-full&PASSWORD=secret"
                        + "&sslrootcert=/etc/flatrender/db-ca.pem",
                "owner",
                "secret",
                7,
                Duration.ofSeconds(9));

        DatabaseConfig login = ServiceRoles.loginConfig(owner, "pay", "pay's password");

        assertThat(login.jdbcUrl())
                .isEqualTo("jdbc:postgresql://db.internal:5432/farm?sslmode=verify-full"
                        + "&sslrootcert=/etc/flatrender/db-ca.pem");
        assertThat(login.user()).isEqualTo("pay");
        assertThat(login.password()).isEqualTo("pay's password");
        assertThat(login.maxPoolSize()).isEqualTo(7);
        assertThat(login.connectionTimeout()).isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void aUrlWithOnlyCredentialsOrNoQueryIsThePlainAddress() {
        assertThat(ServiceRoles.withoutCredentials("jdbc:postgresql://localhost:5432/farm?user=postgres&password=x"))
                .isEqualTo("jdbc:postgresql://localhost:5432/farm");
        assertThat(ServiceRoles.withoutCredentials("jdbc:postgresql://localhost:5432/farm"))
                .isEqualTo("jdbc:postgresql://localhost:5432/farm");
    }
}
