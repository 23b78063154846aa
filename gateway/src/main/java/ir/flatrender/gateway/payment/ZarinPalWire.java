package ir.flatrender.gateway.payment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * ZarinPal's wire format, apart from the client that speaks it: its codes explained, its answers
 * read leniently ({@code []}, {@code null} or missing is absent; numbers may come as strings), and
 * amounts in a terminal's unit ({@link ZarinPal.Unit}).
 */
final class ZarinPalWire {
    private ZarinPalWire() {}

    /** A clear explanation of a ZarinPal code, e.g. -50 → "the amount differs from the payment's". */
    static String explain(int code) {
        return switch (code) {
            case -1 -> "the information submitted is incomplete";
            case -2 -> "the merchant id or the acceptor IP is not correct";
            case -3 -> "the amount must be above the minimum";
            case -4 -> "the acceptor's level is lower than silver";
            case -9 -> "validation error (the input is invalid)";
            case -10 -> "the terminal is not valid (check the merchant id and IP)";
            case -11 -> "the terminal is not active";
            case -12 -> "too many attempts, retry later";
            case -15 -> "the terminal is suspended";
            case -16 -> "the terminal's access level is not valid";
            case -17 -> "the terminal is restricted (blue level)";
            case -30 -> "the terminal cannot accept floating wages";
            case -31 -> "wages need the bank account added to the terminal";
            case -32 -> "the wages exceed the total";
            case -33 -> "the floating wages are not valid";
            case -34 -> "the wages exceed the amount";
            case -35 -> "too many wage recipients";
            case -40 -> "invalid extra parameters (expire_in)";
            case -50 -> "the amount differs from the payment's";
            case -51 -> "the payment failed or was cancelled (the session is not an active paid try)";
            case -52 -> "an unexpected error, contact ZarinPal support";
            case -53 -> "the session is not this merchant's";
            case -54 -> "the authority is not valid";
            case -55 -> "the manual payment request was not found";
            case 100 -> "success, verified";
            case 101 -> "already verified";
            default -> "ZarinPal code " + code;
        };
    }

    // Reading the answer leniently: [] , null or missing is absent.

    static Integer code(JsonNode node) {
        return integer(node, "code");
    }

    static int intValue(JsonNode node, String field) {
        Integer value = integer(node, field);
        return value == null ? 0 : value;
    }

    static Integer integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToInt()) {
            return value.intValue();
        }
        if (value.isTextual()) {
            try {
                return Integer.parseInt(value.textValue().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    static long longValue(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return 0;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.asLong();
        }
        if (value.isTextual()) {
            try {
                return Long.parseLong(value.textValue().strip());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private static final Pattern REF_ID = Pattern.compile("^[1-9][0-9]{0,39}$");

    /** A ref_id exactly, from a JSON number of any size or a string of digits; else null. */
    static String refId(JsonNode value) {
        String digits;
        if (value == null) {
            return null;
        } else if (value.isIntegralNumber()) {
            digits = value.bigIntegerValue().toString();
        } else if (value.isTextual()) {
            digits = value.textValue().strip();
        } else {
            return null;
        }
        return REF_ID.matcher(digits).matches() ? digits : null;
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        return value.asText();
    }

    /** Flattens {@code [{"amount": "..."}]}, {@code {"amount": "..."}} or nests of them to "field: message". */
    static List<String> validations(JsonNode node) {
        List<String> out = new ArrayList<>();
        flatten(null, node, out);
        return out;
    }

    static void flatten(String field, JsonNode node, List<String> out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                flatten(field, item, out);
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                flatten(entry.getKey(), entry.getValue(), out);
            }
        } else {
            String message = node.asText().strip();
            if (!message.isEmpty()) {
                out.add(field == null ? message : field + ": " + message);
            }
        }
    }

    // Amounts, in the terminal's unit.

    static long toUnit(long amountRial, ZarinPal.Unit unit) {
        if (amountRial <= 0) {
            throw new IllegalArgumentException("the amount must be positive, not " + amountRial + " Rial");
        }
        if (unit == ZarinPal.Unit.IRT) {
            if (amountRial % 10 != 0) {
                throw new IllegalArgumentException("an amount in Toman (IRT) must be a whole number of Toman: "
                        + amountRial + " Rial is not a multiple of 10");
            }
            return amountRial / 10;
        }
        return amountRial;
    }

    static long toRial(long amount, ZarinPal.Unit unit) {
        return unit == ZarinPal.Unit.IRT ? Math.multiplyExact(amount, 10L) : amount;
    }
}
