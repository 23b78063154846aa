package ir.flatrender.tools.zarinpal;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One payment session: what request.json asked, and what became of it (paid, cancelled, expired,
 * verified). Its mutable state is guarded by its own monitor, so pay, cancel and verify are
 * atomic: of concurrent verifies of one paid session exactly one answers 100.
 */
final class EmulatedPayment {
    /** The test card every payment is made with. */
    private static final String CARD_NUMBER = "5022291083745995";

    private static final String CARD_PAN = CARD_NUMBER.substring(0, 6) + "******" + CARD_NUMBER.substring(12);
    /** The card's SHA-256, upper-case hex, as ZarinPal's card_hash. */
    private static final String CARD_HASH = Hashing.sha256()
            .hashString(CARD_NUMBER, StandardCharsets.UTF_8)
            .toString()
            .toUpperCase(Locale.ROOT);

    record Verification(int code, long refId, String cardPan, String cardHash) {}

    record Dated(ZarinPalEmulator.Session session, Instant created) {}

    final String authority;
    final String merchantId;
    final long amount;
    final String currency;
    final String description;
    final String callbackUrl;
    final Instant created;
    final Instant expiresAt;

    private String state = "pending";
    private long paidAmount;
    private long refId;
    private String cardPan;
    private String cardHash;

    /** What request.json asked: the session's fixed parts. */
    record Asked(
            String authority,
            String merchantId,
            long amount,
            String currency,
            String description,
            String callbackUrl,
            Instant created,
            Instant expiresAt) {}

    EmulatedPayment(Asked asked) {
        this.authority = asked.authority();
        this.merchantId = asked.merchantId();
        this.amount = asked.amount();
        this.currency = asked.currency();
        this.description = asked.description();
        this.callbackUrl = asked.callbackUrl();
        this.created = asked.created();
        this.expiresAt = asked.expiresAt();
        this.paidAmount = asked.amount();
    }

    /** The buyer pressed "Pay"; the state after it (too late: expired). */
    synchronized String pay(AtomicLong refIds) {
        expireIfDue();
        if (state.equals("pending")) {
            markPaid(refIds);
        }
        return state;
    }

    synchronized void payLate(AtomicLong refIds) {
        if (!state.equals("paid") && !state.equals("verified")) {
            markPaid(refIds);
        }
    }

    private void expireIfDue() {
        if (state.equals("pending") && !Instant.now().isBefore(expiresAt)) {
            state = "expired";
        }
    }

    /** The buyer pressed "Cancel"; the state after it (a payment made stays made). */
    synchronized String cancel() {
        expireIfDue();
        if (state.equals("pending")) {
            state = "cancelled";
        }
        return state;
    }

    synchronized void payWith(long amount, AtomicLong refIds) {
        paidAmount = amount;
        if (state.equals("pending")) {
            markPaid(refIds);
        }
    }

    private void markPaid(AtomicLong refIds) {
        state = "paid";
        refId = refIds.getAndIncrement();
        cardPan = CARD_PAN;
        cardHash = CARD_HASH;
    }

    /** Verifies a payment, atomically: 100 the first time, 101 after; -50 or -51 when it cannot be. */
    synchronized Verification verify(long requestedAmount) {
        if (!state.equals("paid") && !state.equals("verified")) {
            return new Verification(-51, 0, null, null);
        }
        if (requestedAmount != paidAmount) {
            return new Verification(-50, 0, null, null);
        }
        int code = state.equals("paid") ? 100 : 101;
        state = "verified";
        return new Verification(code, refId, cardPan, cardHash);
    }

    synchronized ZarinPalEmulator.Session snapshot() {
        expireIfDue();
        return new ZarinPalEmulator.Session(
                authority,
                merchantId,
                amount,
                currency,
                description,
                callbackUrl,
                state,
                refId,
                cardPan,
                cardHash,
                expiresAt);
    }

    Dated snapshotWithDate() {
        return new Dated(snapshot(), created);
    }
}
