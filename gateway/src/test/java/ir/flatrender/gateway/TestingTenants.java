package ir.flatrender.gateway;

import ir.flatrender.gateway.http.Problem;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Tenants for the gateway's database tests, and the log partitions that audited changes need. */
public final class TestingTenants {
    private TestingTenants() {}

    /** This month's and the next two months' partitions of the audit and request logs. */
    public static void makeLogPartitions(Jdbi jdbi) {
        jdbi.useHandle(h -> h.createQuery("SELECT identity.make_monthly_partitions(2)")
                .mapTo(Integer.class)
                .one());
    }

    /** A new tenant on {@code plan} (null: none), with an empty wallet. */
    public static UUID tenant(Jdbi jdbi, String plan) {
        String slug = "t-" + UUID.randomUUID().toString().substring(0, 12);
        return jdbi.withHandle(h -> h.createQuery(
                        "INSERT INTO identity.tenants (slug, name, plan_id) VALUES (:slug, :slug, :plan) RETURNING id")
                .bind("slug", slug)
                .bind("plan", plan)
                .mapTo(UUID.class)
                .one());
    }

    /** A new user (no password to log in with), member of no tenant. */
    public static UUID user(Jdbi jdbi, String name) {
        return jdbi.withHandle(h -> h.createQuery(
                        "INSERT INTO identity.users (email, name, password_hash) VALUES (:e, :n, 'x') RETURNING id")
                .bind("e", name + "-" + UUID.randomUUID() + "@example.com")
                .bind("n", name)
                .mapTo(UUID.class)
                .one());
    }

    /** The HTTP status of the problem {@code call} throws; 200 when it throws none. */
    public static int status(Runnable call) {
        try {
            call.run();
            return 200;
        } catch (Problem p) {
            return p.status();
        }
    }
}
