package ir.flatrender.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.io.BaseEncoding;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TotpTest {
    /** The RFC 6238 Appendix B SHA-1 seed, ASCII "12345678901234567890", in Base32. */
    private static final String RFC_SECRET =
            BaseEncoding.base32().omitPadding().encode("12345678901234567890".getBytes(StandardCharsets.US_ASCII));

    private static final long NOW = 1_111_111_111L;

    @Test
    void rfc6238Sha1VectorsGiveTheirLastSixDigits() {
        assertThat(RFC_SECRET).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        long[] times = {59L, 1111111109L, 1111111111L, 1234567890L, 2000000000L, 20000000000L};
        String[] eightDigits = {"94287082", "07081804", "14050471", "89005924", "69279037", "65353130"};
        for (int i = 0; i < times.length; i++) {
            assertThat(Totp.code(RFC_SECRET, times[i])).as("time %d", times[i]).isEqualTo(eightDigits[i].substring(2));
        }
    }

    @Test
    void secretIsTwentyRandomBytesInUpperCaseBase32() {
        String secret = Totp.newSecret();
        assertThat(secret).matches("[A-Z2-7]{32}");
        assertThat(BaseEncoding.base32().decode(secret)).hasSize(20);
        assertThat(Totp.newSecret()).isNotEqualTo(secret);
    }

    @Test
    void codesAreSixDigitsZeroPadded() {
        // 1111111109 gives 081804, whose leading zero must survive.
        assertThat(Totp.code(RFC_SECRET, 1111111109L)).isEqualTo("081804");
        assertThat(Totp.code(Totp.newSecret(), NOW)).matches("[0-9]{6}");
    }

    @Test
    void currentCodeIsAcceptedAndAnswersItsStep() {
        long step = NOW / 30;
        assertThat(Totp.verify(RFC_SECRET, Totp.code(RFC_SECRET, NOW), NOW, -1)).hasValue(step);
        // Any second inside the same step gives the same code.
        assertThat(Totp.verify(RFC_SECRET, Totp.code(RFC_SECRET, step * 30), step * 30 + 29, -1))
                .hasValue(step);
    }

    @Test
    void oneStepOfDriftEitherWayIsAcceptedButTwoIsNot() {
        long step = NOW / 30;
        assertThat(Totp.verify(RFC_SECRET, Totp.code(RFC_SECRET, NOW - 30), NOW, -1))
                .hasValue(step - 1);
        assertThat(Totp.verify(RFC_SECRET, Totp.code(RFC_SECRET, NOW + 30), NOW, -1))
                .hasValue(step + 1);
        assertThat(Totp.verify(RFC_SECRET, Totp.code(RFC_SECRET, NOW - 60), NOW, -1))
                .isEmpty();
        assertThat(Totp.verify(RFC_SECRET, Totp.code(RFC_SECRET, NOW + 60), NOW, -1))
                .isEmpty();
    }

    @Test
    void aCodeAlreadyUsedIsRefused() {
        String code = Totp.code(RFC_SECRET, NOW);
        OptionalLong first = Totp.verify(RFC_SECRET, code, NOW, -1);
        assertThat(first).isPresent();
        long used = first.getAsLong();
        assertThat(Totp.verify(RFC_SECRET, code, NOW, used)).isEmpty();
        // Still refused a step later, when the code would otherwise pass as drift.
        assertThat(Totp.verify(RFC_SECRET, code, NOW + 30, used)).isEmpty();
        // An older code is refused once a later step has been used.
        assertThat(Totp.verify(RFC_SECRET, Totp.code(RFC_SECRET, NOW - 30), NOW, used))
                .isEmpty();
        // The next step's code still works.
        assertThat(Totp.verify(RFC_SECRET, Totp.code(RFC_SECRET, NOW + 30), NOW + 30, used))
                .hasValue(used + 1);
    }

    @Test
    void malformedCodesAreRefused() {
        String code = Totp.code(RFC_SECRET, NOW);
        assertThat(Totp.verify(RFC_SECRET, "", NOW, -1)).isEmpty();
        assertThat(Totp.verify(RFC_SECRET, code.substring(1), NOW, -1)).isEmpty();
        assertThat(Totp.verify(RFC_SECRET, code + "0", NOW, -1)).isEmpty();
        assertThat(Totp.verify(RFC_SECRET, " " + code.substring(1), NOW, -1)).isEmpty();
        assertThat(Totp.verify(RFC_SECRET, code.substring(0, 3) + " " + code.substring(3), NOW, -1))
                .isEmpty();
        assertThat(Totp.verify(RFC_SECRET, "12345a", NOW, -1)).isEmpty();
        assertThat(Totp.verify(RFC_SECRET, "+12345", NOW, -1)).isEmpty();
        // Arabic-Indic digits are digits to Character.isDigit but not ASCII.
        assertThat(Totp.verify(RFC_SECRET, "\u0661\u0662\u0663\u0664\u0665\u0666", NOW, -1))
                .isEmpty();
    }

    @Test
    void badSecretsAndTimesAreRefused() {
        assertThatThrownBy(() -> Totp.code("not base32!", NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Totp.code("", NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Totp.code(RFC_SECRET, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Totp.verify(RFC_SECRET, null, NOW, -1)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void uriHasTheShapeAuthenticatorAppsRead() {
        String uri = Totp.uri("FlatRender", "sara@example.com", RFC_SECRET);
        assertThat(uri)
                .isEqualTo("otpauth://totp/FlatRender:sara%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                        + "&issuer=FlatRender&algorithm=SHA1&digits=6&period=30");
    }

    @Test
    void uriPercentEncodesSpacesColonsAndNonAscii() {
        String uri = Totp.uri("Flat Render", "a:b+c سارا", RFC_SECRET);
        assertThat(uri)
                .startsWith("otpauth://totp/Flat%20Render:a%3Ab%2Bc%20%D8%B3%D8%A7%D8%B1%D8%A7?secret=")
                .contains("&issuer=Flat%20Render&")
                .doesNotContain("+");
    }

    @Test
    void recoveryCodesAreThreeGroupsOfFourInLowerCaseBase32() {
        List<String> codes = Totp.recoveryCodes(10);
        assertThat(codes).hasSize(10).allMatch(code -> code.matches("[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}"));
        assertThat(new HashSet<>(codes)).hasSize(10);
        assertThatThrownBy(() -> Totp.recoveryCodes(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recoveryCodesNormalizeToTheSameDigest() {
        assertThat(Totp.normalizeRecoveryCode("ab3k-9xq2-m7pd")).isEqualTo("ab3k9xq2m7pd");
        assertThat(Totp.normalizeRecoveryCode(" AB3K 9XQ2-M7PD ")).isEqualTo("ab3k9xq2m7pd");
        String code = Totp.recoveryCodes(1).get(0);
        String typed = code.toUpperCase(Locale.ROOT).replace('-', ' ');
        assertThat(Secrets.sameDigest(
                        Secrets.sha256(Totp.normalizeRecoveryCode(typed)),
                        Secrets.sha256(Totp.normalizeRecoveryCode(code))))
                .isTrue();
    }
}
