package ir.flatrender.orchestrator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FarmTokenTest {
    @Test
    void matchesOnlyTheSameToken() {
        String secret = FarmToken.generate();
        FarmToken token = FarmToken.of(secret);
        assertThat(token.matches(secret)).isTrue();
        assertThat(token.matches(secret + "x")).isFalse();
        assertThat(token.matches("")).isFalse();
        assertThat(token.matches(null)).isFalse();
    }

    @Test
    void generatedTokensAreLongAndDifferent() {
        assertThat(FarmToken.generate()).hasSizeGreaterThanOrEqualTo(40).isNotEqualTo(FarmToken.generate());
    }

    @Test
    void generatedTokensSayWhatTheyAreAndNeverReadAsAnOption() {
        // A bare base64url token started with '-' one time in 64: `--token -hZl…` read as -h.
        for (int i = 0; i < 1000; i++) {
            assertThat(FarmToken.generate()).matches("frt_[A-Za-z0-9_-]{43}");
        }
    }

    @Test
    void shortTokensAreRefused() {
        assertThatThrownBy(() -> FarmToken.of("short")).isInstanceOf(IllegalArgumentException.class);
    }
}
