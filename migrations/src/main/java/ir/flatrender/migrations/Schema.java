package ir.flatrender.migrations;

/**
 * The database schemas, one per service, each with its own Flyway history so that every
 * service migrates only what it owns.
 */
public enum Schema {
    /** Templates: owned by the orchestrator. */
    CONTENT("content"),
    /** Nodes, jobs, chunks and exports: owned by the orchestrator. */
    RENDER("render"),
    /** Tenants, users, API keys, plans, the wallet and renders: owned by the gateway. */
    IDENTITY("identity"),
    /** The payment broker's client apps, transactions and webhooks: the gateway's, as its own role. */
    PAYMENT("payment");

    private final String sqlName;

    Schema(String sqlName) {
        this.sqlName = sqlName;
    }

    public String sqlName() {
        return sqlName;
    }

    String location() {
        return "classpath:ir/flatrender/migrations/" + sqlName;
    }
}
