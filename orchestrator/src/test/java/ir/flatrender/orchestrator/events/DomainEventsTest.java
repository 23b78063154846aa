package ir.flatrender.orchestrator.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DomainEventsTest {
    record Added(int n) {}

    record Freed() {}

    @Test
    void deliversToEachSubscriberOfTheExactClassInOrderBeforePublishReturns() {
        DomainEvents events = new DomainEvents();
        List<String> seen = new ArrayList<>();
        events.subscribe(Added.class, e -> seen.add("first " + e.n()));
        events.subscribe(Added.class, e -> seen.add("second " + e.n()));
        events.subscribe(Freed.class, e -> seen.add("freed"));
        events.subscribe(Object.class, e -> seen.add("object"));

        events.publish(new Added(1));
        assertThat(seen).containsExactly("first 1", "second 1");
        events.publish(new Freed());
        assertThat(seen).containsExactly("first 1", "second 1", "freed");
    }

    @Test
    void oneFailingSubscriberDoesNotKeepTheEventFromTheOthers() {
        DomainEvents events = new DomainEvents();
        List<Integer> seen = new ArrayList<>();
        events.subscribe(Added.class, e -> {
            throw new IllegalStateException("broken subscriber");
        });
        events.subscribe(Added.class, e -> seen.add(e.n()));

        events.publish(new Added(7));

        assertThat(seen).containsExactly(7);
    }

    @Test
    void anEventNobodySubscribedToGoesNowhere() {
        DomainEvents events = new DomainEvents();
        events.publish(new Freed());
        List<Freed> seen = new ArrayList<>();
        events.subscribe(Freed.class, seen::add);
        assertThat(seen).isEmpty();
    }
}
