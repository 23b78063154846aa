package ir.flatrender.orchestrator.templates;

import com.google.common.hash.Funnels;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import com.google.common.io.ByteStreams;
import com.google.common.io.CountingOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A package as a reproducible zip: its files in name order, stored (not deflated), every entry
 * with the same time, so the same files always make the same bytes and the same sha256.
 */
final class PackageZips {
    /** 1980-01-01T00:00:00Z, the zip format's epoch; every entry carries it. */
    static final long FIXED_TIME = 315_532_800_000L;

    private PackageZips() {}

    /** Writes the package as a reproducible zip, streaming each file (each is read twice: its CRC first). */
    static void write(TemplatePackage pkg, OutputStream target) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(new FilterOutputStream(target) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                // The caller owns the target.
                flush();
            }
        });
        zip.setMethod(ZipOutputStream.STORED);
        for (String name : pkg.names()) {
            long size = pkg.size(name);
            ZipEntry entry = new ZipEntry(name);
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(size);
            entry.setCompressedSize(size);
            entry.setCrc(crc(pkg, name));
            entry.setTime(FIXED_TIME);
            zip.putNextEntry(entry);
            try (InputStream in = pkg.open(name)) {
                long copied = in.transferTo(zip);
                if (copied != size) {
                    throw new IOException(name + " changed while the package was written");
                }
            }
            zip.closeEntry();
        }
        zip.finish();
        zip.close();
    }

    /** The size and sha256 of {@link #write}'s bytes, without keeping them. */
    static TemplatePackage.ZipDigest digest(TemplatePackage pkg) {
        Hasher sha256 = Hashing.sha256().newHasher();
        try (CountingOutputStream sink = new CountingOutputStream(Funnels.asOutputStream(sha256))) {
            write(pkg, sink);
            return new TemplatePackage.ZipDigest(sink.getCount(), sha256.hash().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the package", e);
        }
    }

    /** The package as a reproducible zip in memory: for small packages only (tests, samples). */
    static byte[] inMemory(TemplatePackage pkg) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            write(pkg, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not build package zip", e);
        }
        return bytes.toByteArray();
    }

    private static long crc(TemplatePackage pkg, String name) throws IOException {
        CRC32 crc = new CRC32();
        try (InputStream in = new CheckedInputStream(pkg.open(name), crc)) {
            ByteStreams.exhaust(in);
        }
        return crc.getValue();
    }
}
