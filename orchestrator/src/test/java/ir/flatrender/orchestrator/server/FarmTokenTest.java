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
    void shortTokensAreRefused() {
        assertThatThrownBy(() -> FarmToken.of("short")).isInstanceOf(IllegalArgumentException.class);
    }
}
