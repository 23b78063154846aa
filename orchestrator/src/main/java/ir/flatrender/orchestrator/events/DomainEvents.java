package ir.flatrender.orchestrator.events;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's domain events: a part that makes a fact (a chunk completed, work was added,
 * a job's chunks are all done) publishes it here, and the parts that act on it (the scheduler,
 * the assembler, the node sessions, metrics) subscribe, so that no part calls back up into
 * another. Delivery is synchronous, on the publisher's thread, to the subscribers of the event's
 * exact class in the order they subscribed: when {@link #publish} returns, every subscriber has
 * run. Subscribers must be quick and must not block (they queue work, wake a thread or update
 * memory). One subscriber's exception is logged and does not keep the event from the others; the
 * publisher never sees it (unlike the direct calls this replaced: a fact, once committed, is not
 * undone by a listener's trouble).
 *
 * <p>Subscriptions are made while the orchestrator is wired, before traffic. (Guava's EventBus
 * would do the same with reflection and annotations; its own documentation advises against it.)
 */
public final class DomainEvents {
    private static final Logger log = LoggerFactory.getLogger(DomainEvents.class);

    private final Map<Class<?>, List<Consumer<Object>>> subscribers = new ConcurrentHashMap<>();

    /** Calls {@code subscriber} with every event of exactly {@code type} published from now on. */
    public <E> void subscribe(Class<E> type, Consumer<? super E> subscriber) {
        requireNonNull(type, "type is null");
        requireNonNull(subscriber, "subscriber is null");
        subscribers
                .computeIfAbsent(type, t -> new CopyOnWriteArrayList<>())
                .add(event -> subscriber.accept(type.cast(event)));
    }

    /** Hands {@code event} to its subscribers, one after another, on this thread. */
    public void publish(Object event) {
        requireNonNull(event, "event is null");
        List<Consumer<Object>> list = subscribers.get(event.getClass());
        if (list == null) {
            return;
        }
        for (Consumer<Object> subscriber : list) {
            try {
                subscriber.accept(event);
            } catch (RuntimeException e) {
                log.warn("a subscriber to {} failed", event, e);
            }
        }
    }
}
