package ir.flatrender.orchestrator.jobs;

import java.util.Locale;

/** What a chunk's file is: a video segment of a tier, a still, or an audio task's sound. */
public enum SegmentFormat {
    /** A tier's video segment (MPEG-TS), the format of a video job's outputs. */
    MPEGTS("ts"),
    PNG("png"),
    JPEG("jpg"),
    /** An audio task's rendered sound. */
    WAV("wav");

    private final String extension;

    SegmentFormat(String extension) {
        this.extension = extension;
    }

    /** The file name extension a stored file of this format gets. */
    public String extension() {
        return extension;
    }

    /** The format an output names ({@code mpegts}, {@code png}, {@code jpeg}, {@code wav}). */
    public static SegmentFormat of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
