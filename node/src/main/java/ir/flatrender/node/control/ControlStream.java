package ir.flatrender.node.control;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import ir.flatrender.proto.farm.v1.AssignChunk;
import ir.flatrender.proto.farm.v1.CancelChunk;
import ir.flatrender.proto.farm.v1.Drain;
import ir.flatrender.proto.farm.v1.Heartbeat;
import ir.flatrender.proto.farm.v1.Hello;
import ir.flatrender.proto.farm.v1.NodeCommand;
import ir.flatrender.proto.farm.v1.NodeEvent;
import ir.flatrender.proto.farm.v1.NodeServiceGrpc;
import ir.flatrender.proto.farm.v1.Welcome;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's end of its control stream. It says hello on every connection, heartbeats at the
 * interval the orchestrator asks for, sends events only as fast as the stream takes them (on
 * one serial executor), and when the stream breaks it reconnects after an exponential
 * backoff with jitter, so a farm of nodes does not stampede a restarting orchestrator.
 */
public final class ControlStream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlStream.class);
    /** Events waiting for the stream; only progress piles up, and it is dropped first. */
    private static final int MAX_QUEUED = 4096;

    /** What the node does with the stream. Calls must not block. */
    public interface Listener {
        /** The hello for a new connection: engines, slots, cache, running chunks. */
        Hello hello();

        Heartbeat heartbeat();

        void onWelcome(Welcome welcome);

        void onAssign(AssignChunk assign);

        void onCancel(CancelChunk cancel);

        void onDrain(Drain drain);

        void onDisconnected(String why);
    }

    private final Channel channel;
    private final Listener listener;
    private final ScheduledExecutorService timer;
    private final Executor serial;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final AtomicInteger failures = new AtomicInteger();
    private final java.util.concurrent.CompletableFuture<Void> firstWelcome =
            new java.util.concurrent.CompletableFuture<>();
    private volatile Connection current;
    private volatile boolean closed;

    public ControlStream(
            Channel channel,
            Listener listener,
            ScheduledExecutorService timer,
            Executor executor,
            Duration minBackoff,
            Duration maxBackoff) {
        this.channel = requireNonNull(channel, "channel is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.timer = requireNonNull(timer, "timer is null");
        this.serial = MoreExecutors.newSequentialExecutor(requireNonNull(executor, "executor is null"));
        this.minBackoff = requireNonNull(minBackoff, "minBackoff is null");
        this.maxBackoff = requireNonNull(maxBackoff, "maxBackoff is null");
    }

    public void start() {
        serial.execute(this::connect);
    }

    /** Queues an event for the orchestrator; dropped when not connected (the orchestrator then takes the work back anyway). */
    public void send(NodeEvent event) {
        Connection connection = current;
        if (connection == null || closed) {
            log.debug("not connected; dropping {}", event.getEventCase());
            return;
        }
        connection.send(event);
    }

    /** Completes when the orchestrator first welcomes this node. */
    public java.util.concurrent.CompletableFuture<Void> welcomed() {
        return firstWelcome;
    }

    /** Whether the orchestrator has welcomed this node on the current connection. */
    public boolean isWelcomed() {
        Connection connection = current;
        return connection != null && connection.welcomed;
    }

    private void connect() {
        if (closed) {
            return;
        }
        Connection connection = new Connection();
        current = connection;
        NodeServiceGrpc.newStub(channel).connect(connection);
        connection.send(NodeEvent.newBuilder().setHello(listener.hello()).build());
    }

    private void reconnectLater(Connection dead, String why) {
        if (current != dead) {
            return;
        }
        current = null;
        dead.stopHeartbeats();
        listener.onDisconnected(why);
        if (closed) {
            return;
        }
        long delay = backoffMillis(failures.getAndIncrement());
        log.warn("control stream lost ({}); reconnecting in {} ms", why, delay);
        timer.schedule(() -> serial.execute(this::connect), delay, TimeUnit.MILLISECONDS);
    }

    /** Exponential backoff with "equal jitter": half the delay fixed, half random. */
    long backoffMillis(int failuresSoFar) {
        long cap = maxBackoff.toMillis();
        long base = Math.min(cap, minBackoff.toMillis() << Math.min(20, failuresSoFar));
        return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    }

    private final class Connection implements ClientResponseObserver<NodeEvent, NodeCommand> {
        private final ConcurrentLinkedQueue<NodeEvent> outbound = new ConcurrentLinkedQueue<>();
        private final AtomicInteger queued = new AtomicInteger();
        private volatile ClientCallStreamObserver<NodeEvent> call;
        private volatile ScheduledFuture<?> heartbeats;
        private volatile boolean welcomed;
        private volatile boolean ended;

        @Override
        public void beforeStart(ClientCallStreamObserver<NodeEvent> requestStream) {
            this.call = requestStream;
            requestStream.setOnReadyHandler(() -> serial.execute(this::drain));
        }

        void send(NodeEvent event) {
            if (ended) {
                return;
            }
            if (queued.incrementAndGet() > MAX_QUEUED && event.hasChunkProgress()) {
                queued.decrementAndGet();
                return;
            }
            outbound.add(event);
            serial.execute(this::drain);
        }

        private void drain() {
            ClientCallStreamObserver<NodeEvent> stream = call;
            if (stream == null || ended) {
                return;
            }
            try {
                while (stream.isReady()) {
                    NodeEvent event = outbound.poll();
                    if (event == null) {
                        return;
                    }
                    queued.decrementAndGet();
                    stream.onNext(event);
                }
            } catch (RuntimeException e) {
                log.debug("control stream closed while sending: {}", e.getMessage());
            }
        }

        @Override
        public void onNext(NodeCommand command) {
            switch (command.getCommandCase()) {
                case WELCOME -> {
                    welcomed = true;
                    failures.set(0);
                    Welcome welcome = command.getWelcome();
                    long interval = Math.max(100, welcome.getHeartbeatIntervalMillis());
                    heartbeats = timer.scheduleAtFixedRate(
                            () -> send(NodeEvent.newBuilder()
                                    .setHeartbeat(listener.heartbeat())
                                    .build()),
                            interval,
                            interval,
                            TimeUnit.MILLISECONDS);
                    listener.onWelcome(welcome);
                    firstWelcome.complete(null);
                }
                case ASSIGN -> listener.onAssign(command.getAssign());
                case CANCEL -> listener.onCancel(command.getCancel());
                case DRAIN -> listener.onDrain(command.getDrain());
                case COMMAND_NOT_SET -> log.warn("empty command from the orchestrator");
            }
        }

        @Override
        public void onError(Throwable error) {
            ended = true;
            if (closed) {
                return;
            }
            Status status = Status.fromThrowable(error);
            if (status.getCode() == Status.Code.UNAUTHENTICATED || status.getCode() == Status.Code.PERMISSION_DENIED) {
                // Retrying will not help until an operator acts; say what to do. (Still retried, so
                // a node whose credential is fixed meanwhile comes back by itself.)
                log.error(
                        "the orchestrator refused this node's credential: {}. A node presents its own token,"
                                + " from `flatrender nodes enroll NAME` with NAME its --name",
                        status.getDescription());
            }
            serial.execute(() -> reconnectLater(this, status.toString()));
        }

        @Override
        public void onCompleted() {
            ended = true;
            if (closed) {
                return;
            }
            serial.execute(() -> reconnectLater(this, "the orchestrator closed the stream"));
        }

        void stopHeartbeats() {
            ScheduledFuture<?> scheduled = heartbeats;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }

        void end() {
            ended = true;
            stopHeartbeats();
            ClientCallStreamObserver<NodeEvent> stream = call;
            if (stream != null) {
                try {
                    stream.onCompleted();
                } catch (RuntimeException e) {
                    log.debug("control stream already closed: {}", e.getMessage());
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection connection = current;
        current = null;
        if (connection != null) {
            serial.execute(connection::end);
        }
    }
}
