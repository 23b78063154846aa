package ir.flatrender.orchestrator.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TiersTest {
    @Test
    void theTierNamesTheShortSide() {
        assertThat(Tiers.outputSize(1920, 1080, "1080p")).isEqualTo(new Tiers.Size(1920, 1080));
        assertThat(Tiers.outputSize(1920, 1080, "720p")).isEqualTo(new Tiers.Size(1280, 720));
        assertThat(Tiers.outputSize(1080, 1920, "720p")).isEqualTo(new Tiers.Size(720, 1280));
        assertThat(Tiers.outputSize(1080, 1920, "1080p")).isEqualTo(new Tiers.Size(1080, 1920));
        assertThat(Tiers.outputSize(1080, 1080, "720p")).isEqualTo(new Tiers.Size(720, 720));
        assertThat(Tiers.outputSize(1920, 1080, "2160p")).isEqualTo(new Tiers.Size(3840, 2160));
        assertThat(Tiers.outputSize(1920, 1080, "360p")).isEqualTo(new Tiers.Size(640, 360));
    }

    @Test
    void sizesAreEvenForOddAspects() {
        Tiers.Size size = Tiers.outputSize(1000, 749, "480p");
        assertThat(size.width() % 2).isZero();
        assertThat(size.height()).isEqualTo(480);
    }

    @Test
    void smallTiersAreEncodedAtALowerCrf() {
        assertThat(Tiers.crf("360p", 18)).isEqualTo(12);
        assertThat(Tiers.crf("480p", 18)).isEqualTo(12);
        assertThat(Tiers.crf("720p", 18)).isEqualTo(18);
        assertThat(Tiers.crf("2160p", 23)).isEqualTo(23);
        assertThat(Tiers.crf("360p", 3)).isEqualTo(1);
        assertThat(Tiers.crf("360p", 0)).isZero();
    }

    @Test
    void outputsStoredBeforeTiersHadTheirOwnCrfReadWithout() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Output old = json.readValue(
                "{\"tier\": \"360p\", \"width\": 640, \"height\": 360, \"format\": \"mpegts\"}", Output.class);
        assertThat(old.crf()).isNull();
        Output now = new Output("360p", 640, 360, "mpegts", 12);
        assertThat(json.readValue(json.writeValueAsString(now), Output.class)).isEqualTo(now);
    }

    @Test
    void unknownTiersAreRefused() {
        assertThat(Tiers.shortSide("4k")).isEmpty();
        assertThatThrownBy(() -> Tiers.outputSize(1920, 1080, "4k")).isInstanceOf(IllegalArgumentException.class);
    }
}
