package ir.flatrender.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * Why a job's waiting chunks are not being rendered, when no node can take them: said in
 * {@code jobs show}, {@code jobs watch}/{@code submit --wait} and the gateway's events, so that
 * a job stuck behind a quarantined farm does not sit at 0 % with no hint.
 */
public final class WaitingReason {
    private WaitingReason() {}

    /**
     * A node that has the job's engine, as the job sees it.
     *
     * @param blocked whether the node is kept off this job after failing it
     */
    public record Taker(String name, String state, boolean connected, boolean blocked, String quarantineReason) {
        public Taker {
            requireNonNull(name, "name is null");
            requireNonNull(state, "state is null");
        }

        boolean canTake() {
            return state.equals("online") && connected && !blocked;
        }

        String why() {
            if (blocked) {
                return name + " failed it and is kept off it";
            }
            return switch (state) {
                case "quarantined" ->
                    name + " is quarantined"
                            + (quarantineReason == null || quarantineReason.isEmpty()
                                    ? ""
                                    : " (" + quarantineReason + ")");
                case "disabled" -> name + " is disabled";
                case "draining" -> name + " is draining";
                default -> name + " is offline";
            };
        }
    }

    /** The reason, when the job waits and none of the nodes can take it; empty when one can. */
    public static Optional<String> explain(String engine, List<Taker> takers) {
        return explain(engine, List.of(), takers);
    }

    /**
     * @param requires what the job's chunks need of a node beyond the engine ({@code webgl})
     * @param takers the nodes with the engine and every capability required
     */
    public static Optional<String> explain(String engine, List<String> requires, List<Taker> takers) {
        if (takers.isEmpty()) {
            return Optional.of("no node can take this job: none has the " + engine + " engine"
                    + (requires.isEmpty()
                            ? ""
                            : " with " + String.join(" and ", requires)
                                    + " (a node offers webgl when its Chromium draws WebGL: see `nodes list`)"));
        }
        if (takers.stream().anyMatch(Taker::canTake)) {
            return Optional.empty();
        }
        return Optional.of("no node can take this job: "
                + String.join("; ", takers.stream().map(Taker::why).toList()));
    }

    /** What {@link #explain} reads. */
    public interface Dao {
        /** Whether the job has chunks waiting for a node (pending, not held, not a health check's). */
        @SqlQuery("""
                SELECT EXISTS (SELECT 1 FROM render.frame_jobs
                               WHERE job_id = :jobId AND state = 'pending' AND NOT held AND target_node_id IS NULL)
                """)
        boolean waiting(@Bind("jobId") UUID jobId);

        /** What the job's chunks need of a node beyond its engine. */
        @SqlQuery("SELECT requires FROM render.frame_jobs WHERE job_id = :jobId ORDER BY seq LIMIT 1")
        Optional<String[]> requires(@Bind("jobId") UUID jobId);

        @SqlQuery("""
                SELECT n.name, n.state, n.orchestrator_id IS NOT NULL AS connected,
                       EXISTS (SELECT 1 FROM render.job_node_blocks b
                               WHERE b.job_id = :jobId AND b.node_id = n.id AND b.blocked) AS blocked,
                       n.quarantine_reason
                FROM render.nodes n
                WHERE :engine = ANY(n.engines)
                  AND n.capabilities @> COALESCE((SELECT f.requires FROM render.frame_jobs f
                                                  WHERE f.job_id = :jobId ORDER BY f.seq LIMIT 1), '{}')
                ORDER BY n.name
                """)
        @RegisterConstructorMapper(Taker.class)
        List<Taker> takers(@Bind("jobId") UUID jobId, @Bind("engine") String engine);
    }
}
