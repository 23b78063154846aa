package ir.flatrender.node.encoding;

/** What a target file is: a video segment of the chunk, or one still image of its frame. */
public enum SegmentFormat {
    /** A video-only segment in the encoder profile's container. */
    VIDEO("ts"),
    /** One still, lossless. */
    PNG("png"),
    /** One still, JPEG. */
    JPEG("jpg");

    private final String extension;

    SegmentFormat(String extension) {
        this.extension = extension;
    }

    /** The extension of the file the node writes. */
    public String extension() {
        return extension;
    }

    /** The format a tier names ({@code png}, {@code jpeg}); any other name is a video segment. */
    public static SegmentFormat named(String name) {
        return switch (name) {
            case "png" -> PNG;
            case "jpeg" -> JPEG;
            default -> VIDEO;
        };
    }
}
