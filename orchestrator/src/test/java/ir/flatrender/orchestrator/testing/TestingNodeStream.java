package ir.flatrender.orchestrator.testing;

import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import ir.flatrender.proto.farm.v1.Hello;
import ir.flatrender.proto.farm.v1.NodeCommand;
import ir.flatrender.proto.farm.v1.NodeEvent;
import ir.flatrender.proto.farm.v1.NodeServiceGrpc;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A node's control stream driven by hand, to test the orchestrator's side of the contract. */
public final class TestingNodeStream implements AutoCloseable {
    private final BlockingQueue<NodeCommand> commands = new LinkedBlockingQueue<>();
    private final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    private final StreamObserver<NodeEvent> events;

    private TestingNodeStream(Channel channel) {
        this.events = NodeServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
            @Override
            public void onNext(NodeCommand command) {
                commands.add(command);
            }

            @Override
            public void onError(Throwable error) {
                errors.add(error);
            }

            @Override
            public void onCompleted() {
                errors.add(new IllegalStateException("stream completed"));
            }
        });
    }

    /** Connects and says hello as a timeline node with the given slots. */
    public static TestingNodeStream connect(Channel channel, String name, int slots) {
        return connect(channel, hello(name, slots).build());
    }

    /** A timeline node's hello with the given slots, to add to (the attempts it still runs, say). */
    public static Hello.Builder hello(String name, int slots) {
        return Hello.newBuilder()
                .setNodeName(name)
                .addEngines("timeline")
                .setSlots(slots)
                .setVersion("test")
                .setHostname("localhost");
    }

    /** Connects and says the given hello. */
    public static TestingNodeStream connect(Channel channel, Hello hello) {
        TestingNodeStream node = new TestingNodeStream(channel);
        node.send(NodeEvent.newBuilder().setHello(hello).build());
        return node;
    }

    public void send(NodeEvent event) {
        synchronized (events) {
            events.onNext(event);
        }
    }

    /** The next command, waiting up to the timeout for it. */
    public NodeCommand next(Duration timeout) throws InterruptedException {
        NodeCommand command = commands.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (command == null) {
            throw new AssertionError("no command from the orchestrator within " + timeout
                    + (errors.isEmpty() ? "" : "; stream failed: " + errors.peek()));
        }
        return command;
    }

    /** The next assignment, skipping other commands, waiting up to the timeout for it in all. */
    public NodeCommand nextAssign(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no assignment from the orchestrator within " + timeout);
            }
            NodeCommand command = next(Duration.ofNanos(left));
            if (command.hasAssign()) {
                return command;
            }
        }
    }

    /** The commands received and not taken yet, taken now without waiting. */
    public java.util.List<NodeCommand> takeQueued() {
        java.util.List<NodeCommand> queued = new java.util.ArrayList<>();
        commands.drainTo(queued);
        return queued;
    }

    /** The stream's error, waiting up to the timeout for it. */
    public Throwable error(Duration timeout) throws InterruptedException {
        Throwable error = errors.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (error == null) {
            throw new AssertionError("the stream did not fail within " + timeout);
        }
        return error;
    }

    /** Drops the connection as a crashed node would. */
    public void drop() {
        synchronized (events) {
            events.onError(new RuntimeException("node crashed"));
        }
    }

    @Override
    public void close() {
        synchronized (events) {
            try {
                events.onCompleted();
            } catch (RuntimeException e) {
                // Already closed.
            }
        }
    }
}
