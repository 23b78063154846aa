package ir.flatrender.orchestrator.templates;

import ir.flatrender.orchestrator.errors.ErrorCode;
import ir.flatrender.orchestrator.errors.FarmException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Counts an entry's bytes as they are unpacked and stops at the first limit: the package's
 * total, or a ratio to the entry's packed size that only a bomb reaches.
 */
final class LimitedOutput extends FilterOutputStream {
    private final String name;
    private final long before;
    private final long packed;
    private final TemplatePackage.Limits limits;
    private long written;

    LimitedOutput(OutputStream out, String name, long before, long packed, TemplatePackage.Limits limits) {
        super(out);
        this.name = name;
        this.before = before;
        this.packed = Math.max(packed, 1);
        this.limits = limits;
    }

    @Override
    public void write(int b) throws IOException {
        count(1);
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        count(len);
        out.write(b, off, len);
    }

    private void count(int more) throws IOException {
        written += more;
        if (before + written > limits.maxBytes()) {
            throw new IOException(new FarmException(
                    ErrorCode.RESOURCE_EXHAUSTED,
                    "package is larger than the limit of " + limits.maxBytes() + " bytes unpacked"));
        }
        if (written > TemplatePackage.Limits.RATIO_GRACE_BYTES && written > packed * limits.maxRatio()) {
            throw new IOException(bomb("'" + name + "'", written, packed, limits));
        }
    }

    /** A zip bomb refused: what, unpacked to how much from how little. */
    static FarmException bomb(String what, long unpacked, long packed, TemplatePackage.Limits limits) {
        return new FarmException(
                ErrorCode.RESOURCE_EXHAUSTED,
                what + " unpacks to over " + limits.maxRatio() + " times its packed size (" + unpacked + " bytes from "
                        + packed + "); refused as a zip bomb");
    }
}
