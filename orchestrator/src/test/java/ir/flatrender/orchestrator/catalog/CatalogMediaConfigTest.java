package ir.flatrender.orchestrator.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CatalogMediaConfigTest {
    @Test
    void defaults() {
        assertThat(CatalogMediaConfig.defaults())
                .isEqualTo(new CatalogMediaConfig(2, Duration.ofMinutes(10), Duration.ofHours(2)));
    }

    @Test
    void aBoundOutsideOneToSixteenOrATimeoutNotPositiveIsRefused() {
        assertThatThrownBy(() -> new CatalogMediaConfig(0, Duration.ofMinutes(1), Duration.ofMinutes(1)))
                .hasMessageContaining("maxRunning");
        assertThatThrownBy(() -> new CatalogMediaConfig(17, Duration.ofMinutes(1), Duration.ofMinutes(1)))
                .hasMessageContaining("maxRunning");
        assertThatThrownBy(() -> new CatalogMediaConfig(1, Duration.ZERO, Duration.ofMinutes(1)))
                .hasMessageContaining("coverTimeout");
        assertThatThrownBy(() -> new CatalogMediaConfig(1, Duration.ofMinutes(1), Duration.ofSeconds(-1)))
                .hasMessageContaining("previewTimeout");
    }
}
