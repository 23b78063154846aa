package ir.flatrender.gateway.payment;

import static java.util.Objects.requireNonNull;

import ir.flatrender.gateway.webhooks.WebhookDeliverer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The payment broker's settings.
 *
 * @param zarinPalUrl ZarinPal's base URL: {@link ZarinPal#PRODUCTION}, {@link ZarinPal#SANDBOX}
 *     or an emulator's
 * @param merchantId the shared merchant, for client apps without their own
 * @param unit what amounts are sent to ZarinPal in (IRR, or IRT = Rial / 10)
 * @param publicUrl the broker's public base URL, which ZarinPal sends buyers back to
 *     ({@code {publicUrl}/callback/zarinpal}); empty: the gateway's own listening address
 * @param pendingExpiry how long a pending payment waits for its buyer before it expires
 * @param reconcilePeriod how often unverified payments are looked for and old ones expired
 * @param zarinPalTimeout how long a call to ZarinPal may take
 * @param returnLifetime how long the signed result on the return URL is good for
 * @param maxAmountRial the largest amount ZarinPal takes in one payment (200,000,000 Toman by
 *     default); a request above it is refused with 422 before ZarinPal is asked
 * @param callbackWait how long the buyer's callback waits for ZarinPal's verify before the
 *     buyer is shown a "we are confirming your payment" page that reloads itself
 */
public record PaymentConfig(
        String zarinPalUrl,
        String merchantId,
        ZarinPal.Unit unit,
        Optional<String> publicUrl,
        Duration pendingExpiry,
        Duration reconcilePeriod,
        Duration zarinPalTimeout,
        Duration returnLifetime,
        List<Duration> webhookSchedule,
        Duration webhookPoll,
        boolean allowPrivateWebhooks,
        long maxAmountRial,
        Duration callbackWait) {
    /** ZarinPal's largest payment: 200,000,000 Toman. */
    public static final long MAX_AMOUNT_RIAL = 2_000_000_000L;

    public PaymentConfig {
        requireNonNull(zarinPalUrl, "zarinPalUrl is null");
        requireNonNull(merchantId, "merchantId is null");
        if (!ClientApps.MERCHANT.matcher(merchantId).matches()) {
            throw new IllegalArgumentException("a ZarinPal merchant id is 36 characters (a UUID)");
        }
        requireNonNull(unit, "unit is null");
        requireNonNull(publicUrl, "publicUrl is null");
        publicUrl.ifPresent(url -> {
            URI uri = URI.create(url);
            if (uri.getHost() == null || !List.of("http", "https").contains(uri.getScheme())) {
                throw new IllegalArgumentException("the public URL is an http(s) URL: " + url);
            }
        });
        publicUrl = publicUrl.map(url -> url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        requireNonNull(pendingExpiry, "pendingExpiry is null");
        requireNonNull(reconcilePeriod, "reconcilePeriod is null");
        requireNonNull(zarinPalTimeout, "zarinPalTimeout is null");
        requireNonNull(returnLifetime, "returnLifetime is null");
        webhookSchedule = List.copyOf(webhookSchedule);
        requireNonNull(webhookPoll, "webhookPoll is null");
        if (maxAmountRial < Transactions.MIN_AMOUNT_RIAL) {
            throw new IllegalArgumentException("the largest amount must be at least " + Transactions.MIN_AMOUNT_RIAL
                    + " Rial, not " + maxAmountRial);
        }
        requireNonNull(callbackWait, "callbackWait is null");
        if (callbackWait.isNegative()) {
            throw new IllegalArgumentException("callbackWait must not be negative: " + callbackWait);
        }
    }

    /**
     * Production defaults: 30-minute expiry, reconciliation every minute, public webhooks only,
     * ZarinPal's 200,000,000-Toman limit, the buyer's callback answered within 3 seconds.
     */
    public static PaymentConfig defaults(String zarinPalUrl, String merchantId) {
        return defaults(zarinPalUrl, merchantId, false);
    }

    /** The defaults for a farm on one machine (dev): webhooks to loopback addresses allowed. */
    public static PaymentConfig dev(String zarinPalUrl, String merchantId) {
        return defaults(zarinPalUrl, merchantId, true);
    }

    private static PaymentConfig defaults(String zarinPalUrl, String merchantId, boolean allowPrivateWebhooks) {
        return new PaymentConfig(
                zarinPalUrl,
                merchantId,
                ZarinPal.Unit.IRR,
                Optional.empty(),
                Duration.ofMinutes(30),
                Duration.ofMinutes(1),
                Duration.ofSeconds(10),
                Duration.ofMinutes(15),
                WebhookDeliverer.SCHEDULE,
                Duration.ofSeconds(1),
                allowPrivateWebhooks,
                MAX_AMOUNT_RIAL,
                Duration.ofSeconds(3));
    }
}
