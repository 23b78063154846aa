package ir.flatrender.gateway.payment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.gateway.payment.Transactions.Transaction;
import ir.flatrender.gateway.webhooks.Webhooks;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verify path of {@link Transactions}: a payment is settled only by what ZarinPal's verify
 * says. A verification is claimed with a lease on the row and made without holding a lock, one
 * at a time per payment; an outcome and its webhook are written in one database transaction.
 */
final class Settlements {
    private static final Logger log = LoggerFactory.getLogger(Transactions.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMinutes(1);
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);

    private final Jdbi jdbi;
    private final ZarinPal zarinPal;
    private final PaymentConfig config;
    private final TransactionJson wire;
    private final ObjectMapper json;
    private final Executor verifiers;
    private final ConcurrentHashMap<String, CompletableFuture<Optional<Transaction>>> inFlight =
            new ConcurrentHashMap<>();

    Settlements(
            Jdbi jdbi,
            ZarinPal zarinPal,
            PaymentConfig config,
            TransactionJson wire,
            ObjectMapper json,
            Executor verifiers) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.zarinPal = requireNonNull(zarinPal, "zarinPal is null");
        this.config = requireNonNull(config, "config is null");
        this.wire = requireNonNull(wire, "wire is null");
        this.json = requireNonNull(json, "json is null");
        this.verifiers = requireNonNull(verifiers, "verifiers is null");
    }

    /** How a verification was asked for. */
    enum Source {
        /** The buyer (or anyone) at the callback. */
        CALLBACK,
        /** Reconciliation retrying a payment whose last verify did not settle it. */
        RECONCILIATION,
        /** ZarinPal listed it as paid and unverified: verified whatever its state here. */
        LISTED
    }

    /**
     * Records what the buyer's browser said at the callback ({@code OK} or {@code NOK}), a hint
     * kept for when the payment closes unpaid; never an outcome by itself.
     *
     * @return the transaction of {@code authority}, as it is; empty when there is none
     */
    Optional<Transaction> noteCallback(String authority, String status) {
        return jdbi.withExtension(TransactionDao.class, transactions -> {
            transactions.noteBuyerStatus(authority, status);
            return transactions.findByAuthority(authority);
        });
    }

    /**
     * The callback's verification of {@code authority}: one in flight per payment in this
     * process; a second caller gets the same future. It completes with the transaction as the
     * verification left it.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the verifiers are all busy
     */
    CompletableFuture<Optional<Transaction>> settleAsync(String authority) {
        CompletableFuture<Optional<Transaction>> started = new CompletableFuture<>();
        CompletableFuture<Optional<Transaction>> running = inFlight.putIfAbsent(authority, started);
        if (running != null) {
            return running;
        }
        try {
            verifiers.execute(() -> {
                try {
                    started.complete(settle(authority, Source.CALLBACK));
                } catch (RuntimeException e) {
                    started.completeExceptionally(e);
                } finally {
                    inFlight.remove(authority, started);
                }
            });
        } catch (RuntimeException e) {
            inFlight.remove(authority, started);
            throw e;
        }
        return started;
    }

    /**
     * Verifies the payment of {@code authority} with ZarinPal, for the amount in the database,
     * and settles it only on what verify says: 100 or 101 with a ref_id is paid; -51 (not paid,
     * or not yet) leaves it pending until it expires, whatever the callback said; an answer that
     * may pass (-50, -12, -52, a success without a ref_id) leaves it pending with a backoff
     * before reconciliation tries again; ZarinPal not answering leaves it for the next pass.
     *
     * <p>The verification is claimed with a lease on the row ({@code verifying_until}) and the
     * call made with no lock held, so callbacks do not queue on the row while ZarinPal is slow:
     * one verification at a time per payment, across gateways. A payment whose verification is
     * in flight, or not due again yet, answers as it is.
     */
    Optional<Transaction> settle(String authority, Source source) {
        Optional<Transaction> claimed = jdbi.withExtension(
                TransactionDao.class,
                transactions -> transactions.claim(authority, (double) lease().toSeconds(), source == Source.LISTED));
        if (claimed.isEmpty()) {
            return jdbi.withExtension(TransactionDao.class, transactions -> transactions.findByAuthority(authority));
        }
        Transaction row = claimed.get();
        ZarinPal.Verified verified;
        try {
            verified = zarinPal.verify(row.merchantId(), row.amountRial(), row.unit(), authority);
        } catch (ZarinPal.ZarinPalException e) {
            return Optional.of(notSettled(row, e));
        } catch (RuntimeException e) {
            release(row);
            throw e;
        }
        if (verified.refId() == null) {
            // ZarinPal took the money (100/101) but gave no reference: not paid here until a
            // later verify (101) gives one.
            return Optional.of(unsettled(
                    row,
                    verified.code(),
                    "ZarinPal answered " + verified.code() + " without a ref_id; verified again later",
                    Retry.BACKOFF_CAPPED));
        }
        return Optional.of(paid(row, verified));
    }

    /** When reconciliation may verify a payment again after an answer that did not settle it. */
    private enum Retry {
        /** At the next pass (ZarinPal did not answer). */
        NEXT_PASS,
        /** Only when ZarinPal lists it as paid (it is not paid yet). */
        WHEN_LISTED,
        /** After a growing delay. */
        BACKOFF,
        /** After a growing delay, and no more by itself after {@link Transactions#MAX_AUTOMATIC_VERIFIES}. */
        BACKOFF_CAPPED
    }

    private Transaction notSettled(Transaction row, ZarinPal.ZarinPalException e) {
        if (e.unreachable()) {
            return unsettled(row, null, e.getMessage(), Retry.NEXT_PASS);
        }
        return switch (e.code()) {
            case -51 -> unsettled(row, -51, e.getMessage(), Retry.WHEN_LISTED);
            case -50 -> unsettled(row, -50, e.getMessage(), Retry.BACKOFF_CAPPED);
            case -12, -52 -> unsettled(row, e.code(), e.getMessage(), Retry.BACKOFF);
            default -> {
                if (!row.pending()) {
                    yield unsettled(row, e.code(), e.getMessage(), Retry.BACKOFF_CAPPED);
                }
                yield jdbi.inTransaction(handle -> {
                    TransactionDao transactions = handle.attach(TransactionDao.class);
                    finish(transactions, row, "failed", e.code(), e.getMessage(), true);
                    transactions.release(row.id());
                    return transactions.find(row.id()).orElseThrow();
                });
            }
        };
    }

    private Transaction unsettled(Transaction row, Integer code, String error, Retry retry) {
        int attempts = row.verifyAttempts();
        boolean stop = retry == Retry.BACKOFF_CAPPED && attempts >= Transactions.MAX_AUTOMATIC_VERIFIES;
        Double delay = switch (retry) {
            case NEXT_PASS -> 0.0;
            case WHEN_LISTED -> null;
            case BACKOFF, BACKOFF_CAPPED -> (double) backoff(attempts).toSeconds();
        };
        String attention = stop
                ? "verified " + attempts + " times without settling it (last: " + error
                        + "); the broker no longer verifies it by itself: check it in ZarinPal's panel"
                : null;
        if (stop) {
            log.error("ALERT payment {} of client {} needs an admin: {}", row.id(), row.clientId(), attention);
        } else {
            log.warn("payment {}: verify did not settle it ({}); it stays {}", row.id(), error, row.status());
        }
        return jdbi.withExtension(TransactionDao.class, transactions -> {
            transactions.unsettled(row.id(), row.status(), error, code, stop, delay, attention);
            return transactions.find(row.id()).orElseThrow();
        });
    }

    private Transaction paid(Transaction row, ZarinPal.Verified verified) {
        boolean late = !row.pending();
        String attention = late
                ? "paid at ZarinPal after the broker had closed it as " + row.status()
                        + "; verified by reconciliation: fulfil the order or refund the buyer"
                : null;
        return jdbi.inTransaction(handle -> {
            TransactionDao transactions = handle.attach(TransactionDao.class);
            int changed = transactions.paid(
                    row.id(),
                    row.status(),
                    verified.refId(),
                    verified.cardPan(),
                    verified.cardHash(),
                    verified.feeRial(),
                    verified.feeType(),
                    late ? row.status() : null,
                    attention);
            Transaction now = transactions.find(row.id()).orElseThrow();
            if (changed != 1) {
                return now;
            }
            enqueue(transactions, now, "payment.succeeded");
            if (late) {
                log.error(
                        "ALERT payment {} of client {} (order {}) was paid after the broker closed it as {}:"
                                + " verified now, ref {}; the client is sent payment.succeeded",
                        now.id(),
                        now.clientId(),
                        now.orderId(),
                        row.status(),
                        verified.refId());
            } else {
                log.info(
                        "payment {} of client {} verified ({}): ref {}",
                        now.id(),
                        now.clientId(),
                        verified.alreadyVerified() ? "101, verified before" : "100",
                        verified.refId());
            }
            return now;
        });
    }

    /** Gives a claimed verification back without an outcome (an unexpected error). */
    private void release(Transaction row) {
        jdbi.useExtension(TransactionDao.class, transactions -> transactions.release(row.id()));
    }

    /** 1, 2, 4, … minutes after the n-th verify, an hour at most. */
    static Duration backoff(int attempts) {
        int doublings = Math.max(0, Math.min(attempts - 1, 6));
        Duration delay = FIRST_BACKOFF.multipliedBy(1L << doublings);
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }

    private Duration lease() {
        return config.zarinPalTimeout().plusSeconds(5);
    }

    void finish(
            TransactionDao transactions, Transaction row, String status, Integer code, String message, boolean notify) {
        transactions.finish(row.id(), status, code, message);
        if (notify) {
            enqueue(transactions, transactions.find(row.id()).orElseThrow(), "payment." + status);
        }
    }

    /** Queues the outcome's webhook, once per transaction and event, when the client has a webhook URL. */
    private void enqueue(TransactionDao transactions, Transaction transaction, String event) {
        ObjectNode payload = json.createObjectNode();
        payload.put("type", event);
        payload.put("timestamp", Instant.now().toString());
        payload.set("data", wire.toJson(transaction));
        transactions.enqueueWebhook(
                Webhooks.newMessageId(), transaction.clientId(), transaction.id(), event, payload.toString());
    }
}
