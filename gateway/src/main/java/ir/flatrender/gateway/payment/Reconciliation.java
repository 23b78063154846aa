package ir.flatrender.gateway.payment;

import static java.util.Objects.requireNonNull;

import ir.flatrender.gateway.payment.Transactions.Transaction;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciliation of {@link Transactions} with ZarinPal: finds payments paid but not verified
 * (even after they were closed), verifies those whose retry is due, and closes the pending
 * payments nobody paid before they expired.
 */
public final class Reconciliation {
    private static final Logger log = LoggerFactory.getLogger(Transactions.class);

    private final Jdbi jdbi;
    private final ZarinPal zarinPal;
    private final Settlements settlements;

    Reconciliation(Jdbi jdbi, ZarinPal zarinPal, Settlements settlements) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.zarinPal = requireNonNull(zarinPal, "zarinPal is null");
        this.settlements = requireNonNull(settlements, "settlements is null");
    }

    /** What one pass of reconciliation did. */
    public record Reconciled(int verified, int expired, int merchantsUnreachable) {}

    /**
     * For each merchant with payments open, or closed in the last {@link Transactions#LATE_WINDOW}, asks
     * ZarinPal for its paid and unverified payments and verifies those that are ours whatever
     * their state here (one closed before its payment arrived becomes paid, with an alert and
     * its {@code attention} set); verifies again the pending payments whose retry is due; then
     * closes the pending payments past their expiry that ZarinPal does not list, for merchants
     * ZarinPal answered for: {@code cancelled} when the buyer came back with NOK, {@code failed}
     * when verify said -51 after an OK, else {@code expired}.
     */
    Reconciled reconcile() {
        List<TransactionDao.Merchant> merchants = jdbi.withExtension(
                TransactionDao.class,
                transactions -> transactions.merchantsToReconcile((double) Transactions.LATE_WINDOW.toSeconds()));
        int verified = 0;
        int expired = 0;
        int unreachable = 0;
        for (TransactionDao.Merchant merchant : merchants) {
            java.util.Set<String> listed = new java.util.HashSet<>();
            boolean answered;
            try {
                zarinPal.unverified(merchant.merchantId(), merchant.unit()).forEach(u -> listed.add(u.authority()));
                answered = true;
            } catch (ZarinPal.ZarinPalException e) {
                log.warn(
                        "reconciliation: unVerified for merchant {} failed: {}",
                        mask(merchant.merchantId()),
                        e.getMessage());
                answered = false;
                unreachable++;
            }
            String[] listedAuthorities = listed.toArray(String[]::new);
            List<TransactionDao.Candidate> candidates = jdbi.withExtension(
                    TransactionDao.class,
                    transactions -> transactions.candidates(
                            merchant.merchantId(), merchant.unit().name(), listedAuthorities));
            for (TransactionDao.Candidate candidate : candidates) {
                Optional<Transaction> settled = settlements.settle(
                        candidate.authority(),
                        candidate.listed() ? Settlements.Source.LISTED : Settlements.Source.RECONCILIATION);
                if (settled.isPresent() && settled.get().status().equals("paid")) {
                    verified++;
                }
            }
            if (answered) {
                List<UUID> due = jdbi.withExtension(
                        TransactionDao.class,
                        transactions -> transactions.dueToExpire(
                                merchant.merchantId(), merchant.unit().name(), listedAuthorities));
                for (UUID id : due) {
                    expired += expire(id) ? 1 : 0;
                }
            }
        }
        // Payments ZarinPal never gave an authority for have nothing to verify.
        List<UUID> unasked = jdbi.withExtension(TransactionDao.class, TransactionDao::unaskedExpired);
        for (UUID id : unasked) {
            expired += expire(id) ? 1 : 0;
        }
        return new Reconciled(verified, expired, unreachable);
    }

    /** Closes a pending payment past its expiry that nobody paid, unless a verification is in flight. */
    private boolean expire(UUID id) {
        return jdbi.inTransaction(handle -> {
            TransactionDao transactions = handle.attach(TransactionDao.class);
            Optional<Transaction> found = transactions.lock(id);
            if (found.isEmpty()
                    || !found.get().pending()
                    || found.get().verifying()
                    || found.get().expiresAt().isAfter(Instant.now())) {
                return false;
            }
            Transaction row = found.get();
            String unpaid = "nobody paid before " + row.expiresAt();
            if (row.buyerStatus().equals(Optional.of("NOK"))) {
                settlements.finish(
                        transactions, row, "cancelled", null, "the buyer cancelled the payment, and " + unpaid, true);
            } else if (row.buyerStatus().equals(Optional.of("OK"))
                    && row.lastCode().equals(Optional.of(-51))) {
                settlements.finish(transactions, row, "failed", -51, ZarinPal.explain(-51) + ", and " + unpaid, true);
            } else {
                settlements.finish(transactions, row, "expired", null, unpaid, true);
            }
            return true;
        });
    }

    private static String mask(String merchant) {
        return merchant.substring(0, 4) + "…" + merchant.substring(merchant.length() - 4);
    }
}
