package ir.flatrender.tools.bench;

import static java.util.Objects.requireNonNull;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import ir.flatrender.node.control.ControlStream;
import ir.flatrender.node.control.SegmentUploader;
import ir.flatrender.node.work.ChunkKey;
import ir.flatrender.node.work.SegmentDelivery;
import ir.flatrender.node.work.UploadStage;
import ir.flatrender.proto.farm.v1.AssignChunk;
import ir.flatrender.proto.farm.v1.CancelChunk;
import ir.flatrender.proto.farm.v1.ChunkRef;
import ir.flatrender.proto.farm.v1.ChunkStarted;
import ir.flatrender.proto.farm.v1.Drain;
import ir.flatrender.proto.farm.v1.Heartbeat;
import ir.flatrender.proto.farm.v1.Hello;
import ir.flatrender.proto.farm.v1.NodeEvent;
import ir.flatrender.proto.farm.v1.OutputSpec;
import ir.flatrender.proto.farm.v1.ResourceSample;
import ir.flatrender.proto.farm.v1.Welcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Render nodes without pixels, for benchmarks: each is a real control stream on its own gRPC
 * connection (the node's own ControlStream: hello, heartbeats, backoff), holds its slot for a
 * set time per frame, then uploads a tiny valid segment through the node's own uploader (the
 * render time rides the upload, as the Java node's does). A refused upload is tried again by the
 * Java node's rule ({@link UploadStage.Retries}: the orchestrator unreachable, for up to a minute;
 * damaged bytes, twice), the attempt listed in hello and heartbeats until its upload is accepted
 * or finally refused, so a node that outlives an orchestrator's restart keeps its work. Many of
 * them share a few threads: the sends run on the uploads pool, the waits between them on the timer.
 */
public final class SimulatedNodes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SimulatedNodes.class);

    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<ControlStream> streams = new ArrayList<>();
    private final ScheduledExecutorService timer;
    private final ExecutorService io;
    private final ExecutorService uploads;
    private final Path segment;
    private final String sha256;
    private final long segmentBytes;
    private final AtomicLong completed = new AtomicLong();

    private SimulatedNodes(Path segment) throws IOException {
        this.segment = segment;
        byte[] bytes = Files.readAllBytes(segment);
        this.segmentBytes = bytes.length;
        try {
            this.sha256 = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        this.timer = Executors.newScheduledThreadPool(4, daemon("sim-timer"));
        this.io = Executors.newFixedThreadPool(4, daemon("sim-io"));
        this.uploads = Executors.newFixedThreadPool(32, daemon("sim-upload"));
    }

    /**
     * Starts {@code count} nodes named {@code prefix-1…} against the orchestrator.
     *
     * @param segment the file every chunk uploads (a tiny valid MPEG-TS segment)
     * @param perFrame how long a slot is held per frame of a chunk
     */
    public static SimulatedNodes start(
            String target, String token, String prefix, int count, int slots, Duration perFrame, Path segment)
            throws IOException {
        SimulatedNodes nodes = new SimulatedNodes(requireNonNull(segment, "segment is null"));
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        for (int i = 1; i <= count; i++) {
            // One channel each: its own TCP connection, as a real node has.
            ManagedChannel channel = NettyChannelBuilder.forTarget(target)
                    .usePlaintext()
                    .keepAliveTime(30, TimeUnit.SECONDS)
                    .build();
            nodes.channels.add(channel);
            Channel authed = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
            Node node = nodes.new Node(prefix + "-" + i, slots, perFrame, authed);
            ControlStream stream = new ControlStream(
                    authed, node, nodes.timer, nodes.io, Duration.ofMillis(200), Duration.ofSeconds(5));
            node.stream = stream;
            nodes.streams.add(stream);
            stream.start();
        }
        return nodes;
    }

    /** Chunks uploaded and reported finished so far. */
    public long completed() {
        return completed.get();
    }

    /** How many nodes the orchestrator has welcomed on their current connection. */
    public long welcomed() {
        return streams.stream().filter(ControlStream::isWelcomed).count();
    }

    private final class Node implements ControlStream.Listener {
        private final String name;
        private final int slots;
        private final Duration perFrame;
        private final SegmentUploader uploader;
        private final Map<String, ChunkRef> running = new ConcurrentHashMap<>();
        private final Map<String, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();
        private volatile ControlStream stream;
        private volatile String nodeId = "";

        Node(String name, int slots, Duration perFrame, Channel channel) {
            this.name = name;
            this.slots = slots;
            this.perFrame = perFrame;
            this.uploader = new SegmentUploader(channel, io, Duration.ofSeconds(60));
        }

        @Override
        public Hello hello() {
            return Hello.newBuilder()
                    .setNodeName(name)
                    .addEngines("timeline")
                    .setSlots(slots)
                    .setVersion("simulated")
                    .setHostname("bench")
                    .addAllRunning(running.values())
                    .build();
        }

        @Override
        public Heartbeat heartbeat() {
            return Heartbeat.newBuilder()
                    .addAllRunning(running.values())
                    .setResources(ResourceSample.getDefaultInstance())
                    .setSentAtUnixMillis(System.currentTimeMillis())
                    .build();
        }

        @Override
        public void onWelcome(Welcome welcome) {
            nodeId = welcome.getNodeId();
        }

        @Override
        public void onAssign(AssignChunk assign) {
            ChunkRef ref = assign.getChunk();
            String key = ref.getChunkId() + "#" + ref.getAttempt();
            running.put(key, ref);
            stream.send(NodeEvent.newBuilder()
                    .setChunkStarted(ChunkStarted.newBuilder().setChunk(ref))
                    .build());
            int frames = assign.getFrames().getEnd() - assign.getFrames().getStart() + 1;
            long hold = perFrame.toNanos() * frames;
            pending.put(
                    key,
                    timer.schedule(
                            () -> uploads.execute(() -> send(new Upload(key, manifest(ref, assign, hold)))),
                            hold,
                            TimeUnit.NANOSECONDS));
        }

        private SegmentDelivery.Manifest manifest(ChunkRef ref, AssignChunk assign, long hold) {
            List<SegmentDelivery.File> files = new ArrayList<>();
            for (OutputSpec output : assign.getOutputsList()) {
                files.add(new SegmentDelivery.File(output.getTier(), segmentBytes, sha256));
            }
            return new SegmentDelivery.Manifest(
                    new ChunkKey(ref.getJobId(), ref.getChunkId(), ref.getAttempt()),
                    nodeId,
                    assign.getFrames().getEnd() - assign.getFrames().getStart() + 1,
                    files,
                    // As the Java node does: the render time rides the upload, no ChunkFinished.
                    TimeUnit.NANOSECONDS.toMillis(hold));
        }

        /**
         * One send of the segment, on the uploads pool. As the Java node's {@link UploadStage}
         * does, by its rule, a refused send is tried again (the orchestrator unreachable, for up to
         * a minute; damaged bytes, twice) and the attempt stays listed in hello and heartbeats
         * meanwhile. The wait between tries is on the timer, not on a thread of the pool: hundreds
         * of nodes waiting out a restarted orchestrator would otherwise hold every upload thread
         * asleep and stall the uploads of the others.
         */
        private void send(Upload upload) {
            pending.remove(upload.key());
            if (!running.containsKey(upload.key())) {
                return; // cancelled meanwhile
            }
            try {
                uploader.send(
                        upload.manifest(),
                        Collections.nCopies(upload.manifest().files().size(), segment));
                completed.incrementAndGet();
                running.remove(upload.key());
            } catch (SegmentDelivery.UploadRefused e) {
                Optional<Duration> wait = upload.retries().after(e);
                if (wait.isPresent() && running.containsKey(upload.key())) {
                    pending.put(
                            upload.key(),
                            timer.schedule(
                                    () -> uploads.execute(() -> send(upload)),
                                    wait.get().toNanos(),
                                    TimeUnit.NANOSECONDS));
                    return;
                }
                log.warn("{}: upload of {} refused, given up: {}", name, upload.key(), e.toString());
                running.remove(upload.key());
            } catch (IOException e) {
                log.warn("{}: upload of {} failed, given up: {}", name, upload.key(), e.toString());
                running.remove(upload.key());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void onCancel(CancelChunk cancel) {
            String key =
                    cancel.getChunk().getChunkId() + "#" + cancel.getChunk().getAttempt();
            running.remove(key);
            ScheduledFuture<?> scheduled = pending.remove(key);
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }

        @Override
        public void onDrain(Drain drain) {}

        @Override
        public void onDisconnected(String why) {}
    }

    /** A segment on its way, with its tries so far. */
    private record Upload(String key, SegmentDelivery.Manifest manifest, UploadStage.Retries retries) {
        Upload(String key, SegmentDelivery.Manifest manifest) {
            this(key, manifest, new UploadStage.Retries());
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return new com.google.common.util.concurrent.ThreadFactoryBuilder()
                .setNameFormat(name + "-%d")
                .setDaemon(true)
                .build();
    }

    @Override
    public void close() {
        streams.forEach(ControlStream::close);
        for (ManagedChannel channel : channels) {
            channel.shutdownNow();
        }
        timer.shutdownNow();
        io.shutdownNow();
        uploads.shutdownNow();
    }
}
