package ir.flatrender.orchestrator.jobs;

import java.util.Locale;

/** What a job makes (column {@code render.render_jobs.kind}). */
public enum JobKind {
    /** A video: its chunks' segments are assembled into an MP4 per tier. */
    VIDEO,
    /** One still frame, kept in the snapshot cache. */
    SNAPSHOT,
    /** A node's test render, aimed at that node; rendering and passing the checks is the test. */
    HEALTH_CHECK;

    /** A job aimed at one node is its health check; otherwise a still format makes a snapshot. */
    public static JobKind of(boolean aimedAtANode, boolean still) {
        return aimedAtANode ? HEALTH_CHECK : still ? SNAPSHOT : VIDEO;
    }

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobKind fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
