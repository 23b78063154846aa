package ir.flatrender.orchestrator.nodes;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.storage.BlobStreamer;
import ir.flatrender.orchestrator.templates.TemplateCatalog;
import ir.flatrender.proto.farm.v1.FetchTemplateRequest;
import ir.flatrender.proto.farm.v1.NodeCommand;
import ir.flatrender.proto.farm.v1.NodeEvent;
import ir.flatrender.proto.farm.v1.NodeServiceGrpc;
import ir.flatrender.proto.farm.v1.SegmentUpload;
import ir.flatrender.proto.farm.v1.TemplateData;
import ir.flatrender.proto.farm.v1.UploadSegmentResponse;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node service: thin. Control-stream events are handed to the session's serial executor
 * (heartbeats to their own pool, so liveness never waits behind work); bulk transfers go to
 * the streamer and the upload receiver.
 */
public final class NodeServiceImpl extends NodeServiceGrpc.NodeServiceImplBase {
    private static final Logger log = LoggerFactory.getLogger(NodeServiceImpl.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final NodeHandshake handshake;
    private final NodeEventHandler handler;
    private final Executor events;
    private final Executor heartbeats;
    private final BlobStore blobs;
    private final BlobStreamer streamer;
    private final SegmentUploads uploads;

    public NodeServiceImpl(
            NodeHandshake handshake,
            NodeEventHandler handler,
            Executor events,
            Executor heartbeats,
            BlobStore blobs,
            BlobStreamer streamer,
            SegmentUploads uploads) {
        this.handshake = requireNonNull(handshake, "handshake is null");
        this.handler = requireNonNull(handler, "handler is null");
        this.events = requireNonNull(events, "events is null");
        this.heartbeats = requireNonNull(heartbeats, "heartbeats is null");
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.streamer = requireNonNull(streamer, "streamer is null");
        this.uploads = requireNonNull(uploads, "uploads is null");
    }

    @Override
    public StreamObserver<NodeEvent> connect(StreamObserver<NodeCommand> responseObserver) {
        ServerCallStreamObserver<NodeCommand> stream = (ServerCallStreamObserver<NodeCommand>) responseObserver;
        NodeSession session = new NodeSession(
                stream,
                MoreExecutors.newSequentialExecutor(events),
                ir.flatrender.orchestrator.server.Caller.current(),
                ir.flatrender.orchestrator.server.ClientCertificates.current());
        session.onClose(reason -> handler.onClosed(session, reason));
        stream.setOnReadyHandler(session::onReady);
        stream.setOnCancelHandler(() -> session.serial().execute(() -> handler.onClosed(session, "stream cancelled")));
        return new StreamObserver<>() {
            @Override
            public void onNext(NodeEvent event) {
                // Liveness is noted here, on the gRPC thread, before any queue.
                session.heard();
                switch (event.getEventCase()) {
                    case HELLO ->
                        session.serial().execute(() -> {
                            try {
                                handshake.onHello(session, event.getHello());
                            } catch (RuntimeException e) {
                                log.warn(
                                        "could not accept node '{}': {}",
                                        event.getHello().getNodeName(),
                                        e.toString());
                                session.close(Status.UNAVAILABLE.withDescription(
                                        "the orchestrator could not register the node; retry"));
                            }
                        });
                    case HEARTBEAT ->
                        heartbeats.execute(
                                () -> safely(session, () -> handler.onHeartbeat(session, event.getHeartbeat())));
                    case CHUNK_STARTED ->
                        session.serial()
                                .execute(() ->
                                        safely(session, () -> handler.onStarted(session, event.getChunkStarted())));
                    case CHUNK_PROGRESS ->
                        session.serial()
                                .execute(() ->
                                        safely(session, () -> handler.onProgress(session, event.getChunkProgress())));
                    case CHUNK_FINISHED ->
                        session.serial()
                                .execute(() ->
                                        safely(session, () -> handler.onFinished(session, event.getChunkFinished())));
                    case CHUNK_FAILED ->
                        session.serial()
                                .execute(
                                        () -> safely(session, () -> handler.onFailed(session, event.getChunkFailed())));
                    case CACHE_REPORT ->
                        session.serial()
                                .execute(() -> safely(
                                        session, () -> handshake.onCacheReport(session, event.getCacheReport())));
                    case LEAVING ->
                        session.serial()
                                .execute(() -> safely(session, () -> handler.onLeaving(session, event.getLeaving())));
                    case EVENT_NOT_SET -> session.close(Status.INVALID_ARGUMENT.withDescription("empty event"));
                }
            }

            @Override
            public void onError(Throwable error) {
                session.serial()
                        .execute(() -> handler.onClosed(
                                session, Status.fromThrowable(error).toString()));
            }

            @Override
            public void onCompleted() {
                session.serial().execute(() -> {
                    handler.onClosed(session, "node closed its stream");
                    session.complete();
                });
            }
        };
    }

    private static void safely(NodeSession session, Runnable work) {
        org.slf4j.MDC.put("node", session.name());
        try {
            work.run();
        } catch (RuntimeException e) {
            // A failed report (the database briefly away) must not kill the stream; the lease
            // and the next report put things right.
            log.warn("node {}: could not handle a report: {}", session.name(), e.toString());
        } finally {
            org.slf4j.MDC.remove("node");
        }
    }

    @Override
    public void fetchTemplate(FetchTemplateRequest request, StreamObserver<TemplateData> responseObserver) {
        if (!SHA256.matcher(request.getSha256()).matches()) {
            responseObserver.onError(Status.INVALID_ARGUMENT
                    .withDescription("sha256 must be 64 lower-case hex digits")
                    .asRuntimeException());
            return;
        }
        streamer.stream(
                blobs,
                TemplateCatalog.packageKey(request.getSha256()),
                request.getOffset(),
                0,
                (ServerCallStreamObserver<TemplateData>) responseObserver,
                (offset, data, total) -> TemplateData.newBuilder()
                        .setOffset(offset)
                        .setData(data)
                        .setTotalSize(total)
                        .build());
    }

    @Override
    public StreamObserver<SegmentUpload> uploadSegment(StreamObserver<UploadSegmentResponse> responseObserver) {
        return uploads.receive(responseObserver);
    }
}
