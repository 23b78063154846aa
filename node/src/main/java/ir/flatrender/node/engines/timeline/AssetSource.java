package ir.flatrender.node.engines.timeline;

import java.io.IOException;

/** Reads a file of the template package by its package-relative name, e.g. {@code logo.png}. */
@FunctionalInterface
public interface AssetSource {
    byte[] read(String name) throws IOException;
}
