package ir.flatrender.tools.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ir.flatrender.media.config.DataSize;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SizeConverterTest {
    private final SizeConverter converter = new SizeConverter();

    @Test
    void takesPlainBytesAsBeforeAndUnitSuffixes() {
        assertThat(converter.convert("536870912")).isEqualTo(DataSize.ofMebibytes(512));
        assertThat(converter.convert("512m")).isEqualTo(DataSize.ofMebibytes(512));
        assertThat(converter.convert("512MiB")).isEqualTo(DataSize.ofMebibytes(512));
        assertThat(converter.convert("10g")).isEqualTo(DataSize.ofGibibytes(10));
        assertThat(converter.convert("2GB")).isEqualTo(DataSize.ofGibibytes(2));
    }

    @Test
    void refusesWhatIsNoPositiveSize() {
        for (String bad : new String[] {"0", "-1m", "lots", "1.5g", ""}) {
            assertThatThrownBy(() -> converter.convert(bad))
                    .isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessage("'" + bad + "' is not a size such as 512m or 10g");
        }
    }
}
