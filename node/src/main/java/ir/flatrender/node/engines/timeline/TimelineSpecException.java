package ir.flatrender.node.engines.timeline;

/** A spec or its bindings cannot be rendered; the message names the JSON path at fault. */
public final class TimelineSpecException extends RuntimeException {
    public TimelineSpecException(String path, String problem) {
        super(path.isEmpty() ? problem : path + ": " + problem);
    }

    public TimelineSpecException(String path, String problem, Throwable cause) {
        super(path.isEmpty() ? problem : path + ": " + problem, cause);
    }
}
