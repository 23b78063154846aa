package ir.flatrender.gateway.billing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.identity.AuditLog;
import ir.flatrender.gateway.identity.Principal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A tenant's wallet: an append-only ledger in Rial. A credit adds; a render's hold takes its
 * charge at submit, and the render's settlement captures it (succeeded) or releases it (failed,
 * cancelled). Whatever checks the balance before it takes holds the wallet's lock first, so
 * concurrent charges cannot overdraw it. The methods that take a {@link Handle} work in the
 * caller's transaction.
 */
public final class Wallet {
    /** What the tenant may spend now, what is held for renders, what was spent, what was credited. */
    public record Balance(long availableRial, long heldRial, long capturedRial, long creditedRial) {}

    /** One ledger entry; {@code renderId} is null for a credit. */
    public record Entry(
            long id, String kind, long amountRial, UUID renderId, String reference, OffsetDateTime createdAt) {}

    /** Renders, render seconds and Rial charged on one day (UTC). */
    public record UsageDay(LocalDate day, long renders, long seconds, long amountRial) {}

    /** The wallet as its owner reads it: the balance, this month's use and quota, the newest entries. */
    public record Statement(
            Balance balance, long usedSecondsThisMonth, Optional<Integer> monthlyQuotaSeconds, List<Entry> entries) {}

    private final Jdbi jdbi;
    private final ObjectMapper json;

    public Wallet(Jdbi jdbi, ObjectMapper json) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** Locks the tenant's wallet until the transaction ends, so balance checks do not race; 404 without the tenant. */
    public void lock(Handle handle, UUID tenantId) {
        handle.attach(LedgerDao.class).lockTenant(tenantId).orElseThrow(() -> Problem.notFound("tenant " + tenantId));
    }

    /**
     * Whether the locked wallet can pay for {@code quote}: 403 when it would pass the tenant's
     * monthly quota, 402 when it costs more than the wallet has available.
     */
    public void requireFunds(Handle handle, UUID tenantId, Billing.Quote quote) {
        LedgerDao ledger = handle.attach(LedgerDao.class);
        Optional<Integer> quota = ledger.monthlyQuota(tenantId);
        long used = ledger.usedThisMonth(tenantId);
        if (quota.isPresent() && used + quote.chargeSeconds() > quota.get()) {
            throw Problem.of(
                    403,
                    "quota-exhausted",
                    "Monthly quota exhausted",
                    "this render needs " + quote.chargeSeconds() + " render seconds; " + used + " of " + quota.get()
                            + " are used this month");
        }
        Balance balance = ledger.balance(tenantId);
        if (balance.availableRial() < quote.chargeRial()) {
            throw Problem.of(
                    402,
                    "insufficient-balance",
                    "Insufficient balance",
                    "this render costs " + quote.chargeRial() + " Rial; the wallet has " + balance.availableRial()
                            + " available");
        }
    }

    /** Holds a render's charge (nothing for a free one). */
    public void hold(Handle handle, UUID tenantId, UUID renderId, long amountRial) {
        if (amountRial > 0) {
            handle.attach(LedgerDao.class).append(tenantId, "hold", amountRial, renderId, "render:" + renderId);
        }
    }

    /** Settles a render's hold: captured when it {@code succeeded}, released otherwise (nothing for a free one). */
    public void settle(Handle handle, UUID tenantId, UUID renderId, long amountRial, boolean succeeded, String state) {
        if (amountRial > 0) {
            handle.attach(LedgerDao.class)
                    .append(
                            tenantId,
                            succeeded ? "capture" : "release",
                            amountRial,
                            renderId,
                            "render:" + renderId + ":" + state);
        }
    }

    /** Credits the locked wallet; answers the entry's id. */
    public long credit(Handle handle, UUID tenantId, long amountRial, String reference) {
        return handle.attach(LedgerDao.class).append(tenantId, "credit", amountRial, null, reference);
    }

    /**
     * A farm administrator's credit, audited, in a transaction of its own: answers the entry's
     * id; 404 without the tenant.
     */
    public long credit(Principal administrator, UUID tenantId, long amountRial, String reason, AuditLog.Origin origin) {
        return jdbi.inTransaction(handle -> {
            lock(handle, tenantId);
            long entry = credit(handle, tenantId, amountRial, "admin:" + administrator.user() + ":" + reason);
            AuditLog.record(
                    handle,
                    tenantId,
                    administrator.userId(),
                    "wallet.credited",
                    "tenant:" + tenantId,
                    json.createObjectNode().put("amount_rial", amountRial).put("reason", reason),
                    origin.requestId(),
                    origin.ip());
            return entry;
        });
    }

    public Balance balance(UUID tenantId) {
        return jdbi.withExtension(LedgerDao.class, ledger -> ledger.balance(tenantId));
    }

    public Statement statement(UUID tenantId) {
        return jdbi.withExtension(
                LedgerDao.class,
                ledger -> new Statement(
                        ledger.balance(tenantId),
                        ledger.usedThisMonth(tenantId),
                        ledger.monthlyQuota(tenantId),
                        ledger.recent(tenantId)));
    }

    /** Sets the tenant's monthly quota in render seconds; false when there is no such tenant. */
    public boolean setMonthlyQuota(UUID tenantId, int seconds) {
        return jdbi.withExtension(LedgerDao.class, ledger -> ledger.setMonthlyQuota(tenantId, seconds)) > 0;
    }

    /** What was charged a day over the last {@code days} days, oldest first. */
    public List<UsageDay> usage(UUID tenantId, int days) {
        return jdbi.withExtension(LedgerDao.class, ledger -> ledger.usage(tenantId, days));
    }
}
