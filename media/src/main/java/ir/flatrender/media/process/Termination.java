package ir.flatrender.media.process;

/** Why a supervised process ended. */
public enum Termination {
    /** It exited by itself; see the exit code. */
    EXITED,
    /** It ran past its wall-clock deadline and was killed. */
    DEADLINE_EXCEEDED,
    /** It showed no progress within the watchdog's timeout and was killed. */
    NO_PROGRESS,
    /** It was killed on request (a cancel, or shutdown). */
    KILLED
}
