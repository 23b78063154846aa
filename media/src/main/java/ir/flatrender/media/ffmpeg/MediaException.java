package ir.flatrender.media.ffmpeg;

/** ffmpeg or ffprobe failed, or a file is not the media it should be. */
public final class MediaException extends Exception {
    private final String logTail;

    public MediaException(String message, String logTail) {
        super(message);
        this.logTail = logTail;
    }

    public MediaException(String message, Throwable cause) {
        super(message, cause);
        this.logTail = "";
    }

    /** The last lines the program printed, when one ran. */
    public String logTail() {
        return logTail;
    }
}
