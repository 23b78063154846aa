package ir.flatrender.tools.options;

import ir.flatrender.media.config.DataSize;
import picocli.CommandLine;

/** Reads byte sizes as people write them: {@code 512m}, {@code 10g}, {@code 2GiB}, {@code 1048576}. */
public final class SizeConverter implements CommandLine.ITypeConverter<DataSize> {
    @Override
    public DataSize convert(String value) {
        try {
            DataSize size = DataSize.parse(value);
            if (size.toBytes() == 0) {
                throw new IllegalArgumentException("zero");
            }
            return size;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size such as 512m or 10g");
        }
    }
}
