package ir.flatrender.media.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * What a set of files looks like from outside: each one's identity (inode), size and modified
 * time. Replacing a file (even by a rename onto it within the same second) changes its stamp.
 */
record FileStamp(List<Object> parts) {
    static FileStamp of(Path... files) throws IOException {
        List<Object> parts = new ArrayList<>();
        for (Path file : files) {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            parts.add(String.valueOf(attributes.fileKey()));
            parts.add(attributes.size());
            parts.add(attributes.lastModifiedTime().toInstant());
        }
        return new FileStamp(List.copyOf(parts));
    }
}
