package ir.flatrender.media.config;

import java.util.Locale;

/**
 * A number of bytes, as configuration holds it: {@code DataSize.ofMebibytes(512)} rather than
 * {@code 512L * 1024 * 1024}, so a size cannot be mistaken for a count or a duration.
 *
 * <p>Units are binary (KiB = 1024 bytes). {@link #parse} reads what the command line takes:
 * a plain byte count ({@code 1048576}) or a number with {@code k}, {@code m}, {@code g} or
 * {@code t}, written as {@code 512m}, {@code 512MB} or {@code 512MiB}.
 *
 * @param bytes the size in bytes, never negative
 */
public record DataSize(long bytes) implements Comparable<DataSize> {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size must not be negative but was " + bytes);
        }
    }

    public static DataSize ofBytes(long bytes) {
        return new DataSize(bytes);
    }

    public static DataSize ofKibibytes(long kibibytes) {
        return new DataSize(Math.multiplyExact(kibibytes, 1L << 10));
    }

    public static DataSize ofMebibytes(long mebibytes) {
        return new DataSize(Math.multiplyExact(mebibytes, 1L << 20));
    }

    public static DataSize ofGibibytes(long gibibytes) {
        return new DataSize(Math.multiplyExact(gibibytes, 1L << 30));
    }

    /**
     * Reads {@code 1048576}, {@code 512k}, {@code 512m}, {@code 10g}, {@code 1t}, case aside and
     * with an optional {@code b} or {@code ib} after the unit.
     *
     * @throws IllegalArgumentException when the text is no such size
     */
    public static DataSize parse(String text) {
        String size = text.strip().toLowerCase(Locale.ROOT);
        if (size.endsWith("ib")) {
            size = size.substring(0, size.length() - 2);
        } else if (size.endsWith("b")) {
            size = size.substring(0, size.length() - 1);
        }
        int shift = size.isEmpty() ? 0 : "kmgt".indexOf(size.charAt(size.length() - 1)) + 1;
        String digits = shift == 0 ? size : size.substring(0, size.length() - 1).strip();
        try {
            long count = Long.parseLong(digits);
            if (count < 0) {
                throw new IllegalArgumentException("'" + text + "' is negative");
            }
            return new DataSize(Math.multiplyExact(count, 1L << (10 * shift)));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size such as 512m or 10g", e);
        }
    }

    public long toBytes() {
        return bytes;
    }

    /** The size as an {@code int}, for the APIs that take one. */
    public int toIntBytes() {
        return Math.toIntExact(bytes);
    }

    public boolean isLessThan(DataSize other) {
        return bytes < other.bytes;
    }

    @Override
    public int compareTo(DataSize other) {
        return Long.compare(bytes, other.bytes);
    }

    /** The largest unit that divides the size exactly: {@code 512MiB}, {@code 1536KiB}, {@code 100B}. */
    @Override
    public String toString() {
        int unit = 0;
        long value = bytes;
        while (value != 0 && unit < UNITS.length - 1 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return value + UNITS[unit];
    }
}
