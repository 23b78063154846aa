package ir.flatrender.gateway.payment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * {@code payment.client_apps}, their keys ({@code client_keys}: the API key as a digest, the HMAC
 * secret sealed) and the nonces their signed calls took ({@code request_nonces}).
 */
@RegisterRowMapper(ClientAppDao.AppMapper.class)
@RegisterConstructorMapper(ClientAppDao.Key.class)
public interface ClientAppDao {
    /** A live key: its app, the API key's digest and the sealed HMAC secret. */
    record Key(String keyId, UUID clientId, String keySha256, String hmacSecretEncrypted) {}

    /** A client app's row; never a secret. */
    final class AppMapper implements RowMapper<ClientApps.ClientApp> {
        @Override
        public ClientApps.ClientApp map(ResultSet rs, StatementContext ctx) throws SQLException {
            String unit = rs.getString("currency_unit");
            return new ClientApps.ClientApp(
                    rs.getObject("id", UUID.class),
                    rs.getString("name"),
                    List.of((String[]) rs.getArray("return_urls").getArray()),
                    Optional.ofNullable(rs.getString("webhook_url")),
                    Optional.ofNullable(rs.getString("merchant_id")),
                    Optional.ofNullable(unit).map(ZarinPal.Unit::valueOf),
                    rs.getBoolean("disabled"),
                    rs.getTimestamp("created_at").toInstant());
        }
    }

    String SELECT_APPS = """
            SELECT id, name, return_urls, webhook_url, merchant_id, currency_unit, disabled, created_at
            FROM payment.client_apps
            """;

    @SqlQuery(SELECT_APPS + "WHERE id = :id")
    Optional<ClientApps.ClientApp> find(@Bind("id") UUID id);

    @SqlQuery(SELECT_APPS + "ORDER BY created_at, id")
    List<ClientApps.ClientApp> list();

    @SqlUpdate("""
            INSERT INTO payment.client_apps
                (id, name, return_urls, webhook_url, webhook_secret_encrypted, merchant_id, currency_unit)
            VALUES (:id, :name, :urls, :webhook, :secret, :merchant, :unit)
            """)
    void insert(
            @Bind("id") UUID id,
            @Bind("name") String name,
            @Bind("urls") String[] returnUrls,
            @Bind("webhook") String webhookUrl,
            @Bind("secret") String sealedWebhookSecret,
            @Bind("merchant") String merchantId,
            @Bind("unit") String currencyUnit);

    /** Makes the app, or sets the name, URLs and webhook secret of the one it is. */
    @SqlUpdate("""
            INSERT INTO payment.client_apps (id, name, return_urls, webhook_url, webhook_secret_encrypted)
            VALUES (:id, :name, :urls, :webhook, :secret)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, return_urls = excluded.return_urls,
                webhook_url = excluded.webhook_url,
                webhook_secret_encrypted = excluded.webhook_secret_encrypted, updated_at = now()
            """)
    void upsert(
            @Bind("id") UUID id,
            @Bind("name") String name,
            @Bind("urls") String[] returnUrls,
            @Bind("webhook") String webhookUrl,
            @Bind("secret") String sealedWebhookSecret);

    @SqlUpdate("""
            UPDATE payment.client_apps
            SET name = :name, return_urls = :urls, webhook_url = :webhook, merchant_id = :merchant,
                currency_unit = :unit, disabled = :disabled, updated_at = now()
            WHERE id = :id
            """)
    int update(
            @Bind("id") UUID id,
            @Bind("name") String name,
            @Bind("urls") String[] returnUrls,
            @Bind("webhook") String webhookUrl,
            @Bind("merchant") String merchantId,
            @Bind("unit") String currencyUnit,
            @Bind("disabled") boolean disabled);

    @SqlUpdate("""
            UPDATE payment.client_apps
            SET webhook_secret_encrypted = :secret, updated_at = now()
            WHERE id = :id
            """)
    int setWebhookSecret(@Bind("id") UUID id, @Bind("secret") String sealedWebhookSecret);

    @SqlUpdate("""
            INSERT INTO payment.client_keys (key_id, client_id, key_sha256, hmac_secret_encrypted)
            VALUES (:k, :c, :digest, :secret)
            """)
    void insertKey(
            @Bind("k") String keyId,
            @Bind("c") UUID clientId,
            @Bind("digest") String keySha256,
            @Bind("secret") String sealedHmacSecret);

    @SqlQuery("SELECT count(*) > 0 FROM payment.client_keys WHERE key_id = :k")
    boolean keyKnown(@Bind("k") String keyId);

    /** The app's keys that outlive {@code graceSeconds} from now expire then. */
    @SqlUpdate("""
            UPDATE payment.client_keys SET expires_at = now() + make_interval(secs => :grace)
            WHERE client_id = :id AND (expires_at IS NULL OR expires_at > now() + make_interval(secs => :grace))
            """)
    int expireKeys(@Bind("id") UUID clientId, @Bind("grace") double graceSeconds);

    @SqlQuery("""
            SELECT key_id, client_id, key_sha256, hmac_secret_encrypted
            FROM payment.client_keys
            WHERE key_id = :k AND (expires_at IS NULL OR expires_at > now())
            """)
    Optional<Key> liveKey(@Bind("k") String keyId);

    @SqlQuery("""
            SELECT key_id, client_id, key_sha256, hmac_secret_encrypted
            FROM payment.client_keys
            WHERE client_id = :c AND (expires_at IS NULL OR expires_at > now())
            ORDER BY created_at DESC
            LIMIT 1
            """)
    Optional<Key> newestKey(@Bind("c") UUID clientId);

    /** Takes a nonce for the app: 1, or 0 when it was taken before. */
    @SqlUpdate("""
            INSERT INTO payment.request_nonces (client_id, nonce) VALUES (:c, :n)
            ON CONFLICT DO NOTHING
            """)
    int takeNonce(@Bind("c") UUID clientId, @Bind("n") String nonce);

    @SqlUpdate("DELETE FROM payment.request_nonces WHERE client_id = :c AND nonce = :n")
    int releaseNonce(@Bind("c") UUID clientId, @Bind("n") String nonce);

    @SqlUpdate("DELETE FROM payment.request_nonces WHERE seen_at < now() - interval '10 minutes'")
    int sweepNonces();
}
