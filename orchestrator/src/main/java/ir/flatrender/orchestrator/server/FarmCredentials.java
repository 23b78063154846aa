package ir.flatrender.orchestrator.server;

import static java.util.Objects.requireNonNull;

import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * The credentials the orchestrator issues to nodes, gateways and the operators' console ({@code render.farm_credentials}).
 * A token is 32 random bytes, shown once; only its SHA-256 is stored, and a presented token is
 * looked up by that digest on every call, so a revoked one stops working at once.
 */
public final class FarmCredentials {
    public static final int MAX_NAME_LENGTH = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;

    public FarmCredentials(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
    }

    /** One credential, without its token. */
    public record Row(UUID id, String role, String name, Instant createdAt, Instant revokedAt) {
        public Caller.Role callerRole() {
            return switch (role) {
                case "node" -> Caller.Role.NODE;
                case "console" -> Caller.Role.CONSOLE;
                default -> Caller.Role.GATEWAY;
            };
        }

        public boolean live() {
            return revokedAt == null;
        }
    }

    /** A credential just issued, with the token that will not be shown again. */
    public record Issued(Row credential, String token) {}

    /**
     * Issues a credential for a node, a gateway or the console.
     *
     * @param replace revoke a live credential of the same name first; otherwise that is ALREADY_EXISTS
     */
    public Issued issue(Caller.Role role, String name, boolean replace) {
        String dbRole = dbRole(role);
        String checked = checkName(name);
        String token = prefix(role) + random();
        Row row = jdbi.inTransaction(handle -> {
            Dao dao = handle.attach(Dao.class);
            if (replace) {
                dao.revoke(dbRole, checked);
            } else if (dao.live(dbRole, checked).isPresent()) {
                throw new FarmException(
                        ErrorCode.ALREADY_EXISTS,
                        role.name().toLowerCase(java.util.Locale.ROOT) + " " + checked
                                + " already has a live credential; revoke it first, or replace it");
            }
            return dao.insert(UUID.randomUUID(), dbRole, checked, sha256(token));
        });
        return new Issued(row, token);
    }

    /** Revokes the name's live credential; NOT_FOUND when it has none. */
    public Row revoke(Caller.Role role, String name) {
        String dbRole = dbRole(role);
        String checked = checkName(name);
        List<Row> revoked = jdbi.withExtension(Dao.class, dao -> dao.revoke(dbRole, checked));
        if (revoked.isEmpty()) {
            throw FarmException.notFound(
                    role.name().toLowerCase(java.util.Locale.ROOT) + " " + checked + " has no live credential");
        }
        return revoked.get(0);
    }

    public List<Row> list() {
        return jdbi.withExtension(Dao.class, Dao::list);
    }

    /** The live credential a token belongs to. */
    public Optional<Row> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        return jdbi.withExtension(Dao.class, dao -> dao.byDigest(sha256(token)));
    }

    /**
     * Whether a node was ever enrolled: from then on the farm token no longer opens NodeService
     * (the farm has left the one shared secret behind).
     */
    public boolean nodesEnrolled() {
        return jdbi.withExtension(Dao.class, Dao::anyNode);
    }

    /** Which of these credentials are no longer live. */
    public List<UUID> revokedAmong(List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbi.withExtension(Dao.class, dao -> dao.revokedAmong(ids.toArray(UUID[]::new)));
    }

    private static String dbRole(Caller.Role role) {
        return switch (role) {
            case NODE -> "node";
            case GATEWAY -> "gateway";
            case CONSOLE -> "console";
            case OPERATOR -> throw FarmException.invalid("role", "must be node, gateway or console");
        };
    }

    /** A token says whose it is at a glance (in a log, or pasted in the wrong place). */
    private static String prefix(Caller.Role role) {
        return switch (role) {
            case NODE -> "frn_";
            case CONSOLE -> "frc_";
            default -> "frg_";
        };
    }

    private static String checkName(String name) {
        String stripped = name == null ? "" : name.strip();
        if (stripped.isEmpty() || stripped.length() > MAX_NAME_LENGTH) {
            throw FarmException.invalid("name", "must be 1-" + MAX_NAME_LENGTH + " characters");
        }
        if (stripped.chars().anyMatch(Character::isISOControl)) {
            throw FarmException.invalid("name", "must not hold control characters");
        }
        return stripped;
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @RegisterConstructorMapper(Row.class)
    interface Dao {
        @SqlQuery("""
                INSERT INTO render.farm_credentials (id, role, name, token_sha256)
                VALUES (:id, :role, :name, :digest)
                RETURNING id, role, name, created_at, revoked_at
                """)
        Row insert(
                @Bind("id") UUID id,
                @Bind("role") String role,
                @Bind("name") String name,
                @Bind("digest") byte[] digest);

        @SqlQuery("""
                SELECT id, role, name, created_at, revoked_at
                FROM render.farm_credentials
                WHERE role = :role AND name = :name AND revoked_at IS NULL
                """)
        Optional<Row> live(@Bind("role") String role, @Bind("name") String name);

        @SqlQuery("""
                UPDATE render.farm_credentials
                SET revoked_at = now()
                WHERE role = :role AND name = :name AND revoked_at IS NULL
                RETURNING id, role, name, created_at, revoked_at
                """)
        List<Row> revoke(@Bind("role") String role, @Bind("name") String name);

        @SqlQuery("""
                SELECT id, role, name, created_at, revoked_at
                FROM render.farm_credentials
                WHERE token_sha256 = :digest AND revoked_at IS NULL
                """)
        Optional<Row> byDigest(@Bind("digest") byte[] digest);

        @SqlQuery("SELECT EXISTS (SELECT 1 FROM render.farm_credentials WHERE role = 'node')")
        boolean anyNode();

        @SqlQuery("""
                SELECT id FROM render.farm_credentials
                WHERE id = ANY(:ids) AND revoked_at IS NOT NULL
                """)
        List<UUID> revokedAmong(@Bind("ids") UUID[] ids);

        @SqlQuery("""
                SELECT id, role, name, created_at, revoked_at
                FROM render.farm_credentials
                ORDER BY role, name, created_at
                """)
        List<Row> list();
    }
}
