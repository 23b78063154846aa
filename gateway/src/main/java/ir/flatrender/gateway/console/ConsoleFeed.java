package ir.flatrender.gateway.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.renders.EventStreams;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's live feed: one thread reads the farm once a second for every open stream
 * together (the farm view once, each watched job once, however many consoles watch), and
 * sends a topic's snapshot to its streams when it differs from the last one sent. A new
 * stream gets the current snapshot at once. The farm's failure ends the streams with an
 * {@code error} event; the console reconnects.
 */
final class ConsoleFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsoleFeed.class);
    private static final long PERIOD_MILLIS = 1000;
    /**
     * A console's stream ends after this long (about an access token's life) with
     * {@code expired}; the console opens it again, and so shows its administrator again that it
     * still is one: a demoted administrator does not watch the farm for the streams' full life.
     */
    static final long LIFE_MILLIS = 15 * 60 * 1000;

    /** What a stream follows. */
    sealed interface Topic {
        /** The nodes and the active jobs. */
        record Farm() implements Topic {}

        /** One job with its chunks. */
        record OneJob(String id) implements Topic {}

        default String event() {
            return this instanceof Farm ? "farm" : "job";
        }
    }

    private final Supplier<ObjectNode> farm;
    private final Function<String, ObjectNode> job;
    private final ObjectMapper json;
    private final Map<Topic, Set<EventStreams.Stream>> subscribers = new ConcurrentHashMap<>();
    /** The last snapshot sent per topic; touched by the feed's thread only. */
    private final Map<Topic, String> last = new HashMap<>();

    private final ScheduledExecutorService thread;

    ConsoleFeed(Supplier<ObjectNode> farm, Function<String, ObjectNode> job, ObjectMapper json) {
        this.farm = requireNonNull(farm, "farm is null");
        this.job = requireNonNull(job, "job is null");
        this.json = requireNonNull(json, "json is null");
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "console-feed");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::tick, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    void subscribe(EventStreams.Stream stream, Topic topic) {
        // Atomic with the feed's dropping of an empty topic, so a new stream is never dropped with it.
        subscribers.compute(topic, (t, streams) -> {
            Set<EventStreams.Stream> set = streams == null ? ConcurrentHashMap.newKeySet() : streams;
            set.add(stream);
            return set;
        });
        java.util.concurrent.ScheduledFuture<?> end = thread.schedule(
                () -> stream.finish(
                        "expired",
                        json.createObjectNode()
                                .put("detail", "a console's stream lasts 15 minutes; open it again to go on")
                                .toString()),
                LIFE_MILLIS,
                TimeUnit.MILLISECONDS);
        stream.done().whenComplete((ignored, error) -> {
            end.cancel(false);
            Set<EventStreams.Stream> streams = subscribers.get(topic);
            if (streams != null) {
                streams.remove(stream);
            }
        });
        // The current snapshot at once: the one the topic's streams have, or (a topic no one
        // watched) read now and sent to every stream of it, so none is left behind.
        thread.execute(() -> {
            String known = last.get(topic);
            if (known != null) {
                stream.latest(topic.event(), known);
                return;
            }
            publish(topic);
        });
    }

    private String snapshot(Topic topic) {
        return topic instanceof Topic.OneJob one
                ? job.apply(one.id()).toString()
                : farm.get().toString();
    }

    private void tick() {
        for (Map.Entry<Topic, Set<EventStreams.Stream>> entry : subscribers.entrySet()) {
            Topic topic = entry.getKey();
            Set<EventStreams.Stream> streams = entry.getValue();
            if (streams.isEmpty()) {
                if (subscribers.computeIfPresent(topic, (t, set) -> set.isEmpty() ? null : set) == null) {
                    last.remove(topic);
                }
                continue;
            }
            publish(topic);
        }
    }

    /** Reads the topic's snapshot and sends it to its streams when it changed; ends them when the farm fails. */
    private void publish(Topic topic) {
        Set<EventStreams.Stream> streams = subscribers.getOrDefault(topic, Set.of());
        try {
            String data = snapshot(topic);
            if (!data.equals(last.get(topic))) {
                last.put(topic, data);
                streams.forEach(stream -> stream.latest(topic.event(), data));
            }
        } catch (RuntimeException e) {
            log.warn("the console feed could not read {} from the farm: {}", topic, e.toString());
            String error = problem(e);
            streams.forEach(stream -> stream.finish("error", error));
            last.remove(topic);
        } catch (Throwable e) { // never let the timer's task die: the feed would go quiet for good
            log.error("the console feed failed on {}", topic, e);
            last.remove(topic);
        }
    }

    private String problem(RuntimeException e) {
        String detail = e instanceof Problem p ? p.getMessage() : "the render farm failed";
        return json.createObjectNode().put("detail", detail).toString();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
