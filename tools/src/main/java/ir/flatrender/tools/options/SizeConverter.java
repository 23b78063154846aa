package ir.flatrender.tools.options;

import java.util.Locale;
import picocli.CommandLine;

/** Reads byte sizes as people write them: {@code 512m}, {@code 10g}, {@code 1048576}. */
public final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String text = value.strip().toLowerCase(Locale.ROOT).replace("ib", "").replace("b", "");
        try {
            long multiplier = switch (text.isEmpty() ? ' ' : text.charAt(text.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                case 't' -> 1L << 40;
                default -> 1;
            };
            String digits = multiplier == 1 ? text : text.substring(0, text.length() - 1);
            long size = Math.multiplyExact(Long.parseLong(digits), multiplier);
            if (size <= 0) {
                throw new NumberFormatException();
            }
            return size;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size such as 512m or 10g");
        }
    }
}
