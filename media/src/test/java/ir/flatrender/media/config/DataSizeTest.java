package ir.flatrender.media.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DataSizeTest {
    @Test
    void readsPlainBytesAndBinaryUnits() {
        assertThat(DataSize.parse("1048576")).isEqualTo(DataSize.ofMebibytes(1));
        assertThat(DataSize.parse("512k")).isEqualTo(DataSize.ofKibibytes(512));
        assertThat(DataSize.parse("512m")).isEqualTo(DataSize.ofMebibytes(512));
        assertThat(DataSize.parse("512MiB")).isEqualTo(DataSize.ofMebibytes(512));
        assertThat(DataSize.parse("2GB")).isEqualTo(DataSize.ofGibibytes(2));
        assertThat(DataSize.parse(" 10g ")).isEqualTo(DataSize.ofGibibytes(10));
        assertThat(DataSize.parse("1t").toBytes()).isEqualTo(1L << 40);
        assertThat(DataSize.parse("100b")).isEqualTo(DataSize.ofBytes(100));
    }

    @Test
    void refusesWhatIsNoSize() {
        assertThatThrownBy(() -> DataSize.parse("lots")).hasMessage("'lots' is not a size such as 512m or 10g");
        assertThatThrownBy(() -> DataSize.parse("m")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> DataSize.parse("9999999t")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> DataSize.parse("-1m")).hasMessageContaining("negative");
        assertThatThrownBy(() -> DataSize.ofBytes(-1)).hasMessage("a size must not be negative but was -1");
    }

    @Test
    void printsTheLargestExactUnit() {
        assertThat(DataSize.ofMebibytes(512)).hasToString("512MiB");
        assertThat(DataSize.ofKibibytes(1536)).hasToString("1536KiB");
        assertThat(DataSize.ofGibibytes(2)).hasToString("2GiB");
        assertThat(DataSize.ofBytes(100)).hasToString("100B");
        assertThat(DataSize.ofBytes(0)).hasToString("0B");
    }

    @Test
    void comparesByBytes() {
        assertThat(DataSize.ofKibibytes(1).isLessThan(DataSize.ofBytes(1025))).isTrue();
        assertThat(DataSize.ofKibibytes(1)).isEqualByComparingTo(DataSize.ofBytes(1024));
    }
}
