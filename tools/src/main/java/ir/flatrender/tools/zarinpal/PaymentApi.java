package ir.flatrender.tools.zarinpal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ZarinPal v4's payment operations over the emulator's sessions: request.json makes a session
 * (an authority), the buyer pays or cancels it on the StartPay page, verify.json settles it once
 * (100, then 101), unVerified.json lists the paid ones not yet verified. Answers carry ZarinPal's
 * codes and messages ({@link WireJson}).
 */
final class PaymentApi {
    private static final long FIRST_REF_ID = 201;
    private static final String FEE_TYPE = "Merchant";
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.of("Asia/Tehran"));
    private static final String BAD_TERMINAL = "Terminal is not valid, please check merchant_id or ip address.";
    private static final String AMOUNT_DIFFERS = "Session is not valid, amounts values is not the same.";
    private static final String NOT_PAID = "Session is not valid, session is not active paid try.";
    private static final String BAD_AUTHORITY = "Invalid authority.";
    private static final String BAD_EXPIRY = "Invalid extra params, expire_in is not valid.";

    private final Set<String> merchants;
    private final WireJson wire;
    private final Map<String, EmulatedPayment> sessions = new ConcurrentHashMap<>();
    /** Authorities come from the clock at start, so a restarted emulator never hands one out again. */
    private final AtomicLong authorities = new AtomicLong(System.currentTimeMillis() * 1000);

    private final AtomicLong refIds = new AtomicLong(FIRST_REF_ID);
    private volatile ZarinPalEmulator.RefIdFault refIdFault = ZarinPalEmulator.RefIdFault.NONE;

    PaymentApi(Set<String> merchants, WireJson wire) {
        this.merchants = Set.copyOf(merchants);
        this.wire = requireNonNull(wire, "wire is null");
    }

    /** The session of an authority; empty when there is none. */
    Optional<EmulatedPayment> find(String authority) {
        return Optional.ofNullable(sessions.get(authority));
    }

    /** The session of an authority, for fault injection; refused when there is none. */
    EmulatedPayment existing(String authority) {
        return find(authority).orElseThrow(() -> new IllegalArgumentException("no ZarinPal session " + authority));
    }

    /** The counter ref ids are drawn from, for a payment made. */
    AtomicLong refIds() {
        return refIds;
    }

    void setRefIdFault(ZarinPalEmulator.RefIdFault fault) {
        this.refIdFault = requireNonNull(fault, "fault is null");
    }

    Reply request(ObjectNode request) {
        List<Map.Entry<String, String>> invalid = new ArrayList<>();
        String merchant = WireJson.merchant(request, invalid);
        String currency = "IRR";
        JsonNode currencyNode = request.get("currency");
        if (currencyNode != null && !currencyNode.isNull()) {
            if (currencyNode.isTextual()
                    && (currencyNode.textValue().equals("IRR")
                            || currencyNode.textValue().equals("IRT"))) {
                currency = currencyNode.textValue();
            } else {
                invalid.add(Map.entry("currency", "The selected currency is invalid."));
            }
        }
        long minimum = currency.equals("IRT") ? 1_000 : 10_000;
        long maximum =
                currency.equals("IRT") ? ZarinPalEmulator.MAX_AMOUNT_RIAL / 10 : ZarinPalEmulator.MAX_AMOUNT_RIAL;
        long amount = WireJson.amount(request, minimum, invalid);
        if (amount > maximum) {
            invalid.add(Map.entry("amount", "The amount must not be greater than " + maximum + "."));
        }
        String description = WireJson.required(request, "description", "The description field is required.", invalid);
        String callbackUrl = WireJson.required(request, "callback_url", "The callback url field is required.", invalid);
        JsonNode metadata = request.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            invalid.add(Map.entry("metadata", "The metadata must be an object."));
        }
        if (!invalid.isEmpty()) {
            return wire.invalid(invalid);
        }
        if (!known(merchant)) {
            return wire.error(-10, BAD_TERMINAL);
        }
        Duration lifetime = ZarinPalEmulator.DEFAULT_LIFETIME;
        JsonNode expireIn = request.get("expire_in");
        if (expireIn != null && !expireIn.isNull()) {
            if (!expireIn.isIntegralNumber()
                    || !expireIn.canConvertToLong()
                    || expireIn.longValue() < 60
                    || expireIn.longValue() > 86_400) {
                return wire.error(-40, BAD_EXPIRY);
            }
            lifetime = Duration.ofSeconds(expireIn.longValue());
        }
        String authority = String.format("A%035d", authorities.incrementAndGet());
        Instant now = Instant.now();
        sessions.put(
                authority,
                new EmulatedPayment(new EmulatedPayment.Asked(
                        authority, merchant, amount, currency, description, callbackUrl, now, now.plus(lifetime))));
        ObjectNode data = wire.object()
                .put("code", 100)
                .put("message", "Success")
                .put("authority", authority)
                .put("fee_type", FEE_TYPE)
                .put("fee", WireJson.fee(amount));
        return wire.success(data, " 100 " + authority);
    }

    Reply verify(ObjectNode request) {
        List<Map.Entry<String, String>> invalid = new ArrayList<>();
        String merchant = WireJson.merchant(request, invalid);
        long amount = WireJson.amount(request, 1, invalid);
        String authority = WireJson.required(request, "authority", "The authority field is required.", invalid);
        if (!invalid.isEmpty()) {
            return wire.invalid(invalid);
        }
        if (!known(merchant)) {
            return wire.error(-10, BAD_TERMINAL);
        }
        EmulatedPayment entry = sessions.get(authority);
        if (entry == null || !entry.merchantId.equals(merchant)) {
            return wire.error(-54, BAD_AUTHORITY);
        }
        EmulatedPayment.Verification result = entry.verify(amount);
        return switch (result.code()) {
            case 100, 101 -> {
                ObjectNode data = wire.object()
                        .put("code", result.code())
                        .put("message", "Verified")
                        .put("card_hash", result.cardHash())
                        .put("card_pan", result.cardPan());
                switch (refIdFault) {
                    case NONE -> data.put("ref_id", result.refId());
                    case PAST_2_63 ->
                        data.put("ref_id", ZarinPalEmulator.TWO_TO_THE_64.add(BigInteger.valueOf(result.refId())));
                    case MISSING -> {}
                }
                data.put("fee_type", FEE_TYPE).put("fee", WireJson.fee(entry.amount));
                yield wire.success(data, " " + result.code() + " " + authority);
            }
            case -50 -> wire.error(-50, AMOUNT_DIFFERS);
            default -> wire.error(-51, NOT_PAID);
        };
    }

    Reply unverified(ObjectNode request) {
        List<Map.Entry<String, String>> invalid = new ArrayList<>();
        String merchant = WireJson.merchant(request, invalid);
        if (!invalid.isEmpty()) {
            return wire.invalid(invalid);
        }
        if (!known(merchant)) {
            return wire.error(-10, BAD_TERMINAL);
        }
        ObjectNode data = wire.object().put("code", 100).put("message", "Success");
        ArrayNode list = data.putArray("authorities");
        sessions.values().stream()
                .filter(entry -> entry.merchantId.equals(merchant))
                .map(EmulatedPayment::snapshotWithDate)
                .filter(dated -> dated.session().state().equals("paid"))
                .sorted(Comparator.comparing(dated -> dated.session().authority()))
                .forEach(dated -> list.addObject()
                        .put("authority", dated.session().authority())
                        .put("amount", dated.session().amount())
                        .put("callback_url", dated.session().callbackUrl())
                        .put("referer", "")
                        .put("date", DATE.format(dated.created())));
        return wire.success(data, " 100 " + list.size() + " unverified");
    }

    private boolean known(String merchant) {
        return merchants.isEmpty() || merchants.contains(merchant);
    }
}
