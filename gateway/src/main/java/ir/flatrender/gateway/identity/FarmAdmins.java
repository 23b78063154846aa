package ir.flatrender.gateway.identity;

import java.util.Locale;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Farm administrators: members (owners) of the default tenant with the farm-admin flag. */
public final class FarmAdmins {
    public static final UUID DEFAULT_TENANT = UUID.fromString("00000000-0000-0000-0000-000000000001");

    private FarmAdmins() {}

    /** Makes the farm administrator unless a user of that email exists; answers whether it made one. */
    public static boolean ensure(Jdbi jdbi, String email, String name, String password) {
        if (password.length() < 10) {
            throw new IllegalArgumentException("a farm administrator's password has at least 10 characters");
        }
        String hash = Passwords.hash(password);
        return jdbi.inTransaction(handle -> {
            String normalized = email.toLowerCase(Locale.ROOT);
            boolean exists = handle.createQuery("SELECT EXISTS (SELECT 1 FROM identity.users WHERE lower(email) = :e)")
                    .bind("e", normalized)
                    .mapTo(Boolean.class)
                    .one();
            if (exists) {
                return false;
            }
            UUID user = handle.createQuery("""
                            INSERT INTO identity.users (email, name, password_hash, farm_admin)
                            VALUES (:e, :n, :h, true) RETURNING id
                            """)
                    .bind("e", normalized)
                    .bind("n", name)
                    .bind("h", hash)
                    .mapTo(UUID.class)
                    .one();
            handle.createUpdate("INSERT INTO identity.members (tenant_id, user_id, role) VALUES (:t, :u, 'owner')")
                    .bind("t", DEFAULT_TENANT)
                    .bind("u", user)
                    .execute();
            return true;
        });
    }
}
