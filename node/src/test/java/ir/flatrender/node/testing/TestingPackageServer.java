package ir.flatrender.node.testing;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import ir.flatrender.proto.farm.v1.FetchTemplateRequest;
import ir.flatrender.proto.farm.v1.NodeServiceGrpc;
import ir.flatrender.proto.farm.v1.TemplateData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Serves template packages over a real socket, as the orchestrator would, and counts fetches. */
public final class TestingPackageServer implements AutoCloseable {
    private final Map<String, byte[]> packages = new ConcurrentHashMap<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private final Server server;
    private final ManagedChannel channel;

    public TestingPackageServer() {
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(new NodeServiceGrpc.NodeServiceImplBase() {
                        @Override
                        public void fetchTemplate(
                                FetchTemplateRequest request, StreamObserver<TemplateData> responses) {
                            byte[] bytes = packages.get(request.getSha256());
                            if (bytes == null) {
                                responses.onError(Status.NOT_FOUND.asRuntimeException());
                                return;
                            }
                            fetches.incrementAndGet();
                            for (int offset = (int) request.getOffset(); offset < bytes.length; offset += 4096) {
                                int length = Math.min(4096, bytes.length - offset);
                                responses.onNext(TemplateData.newBuilder()
                                        .setOffset(offset)
                                        .setData(ByteString.copyFrom(bytes, offset, length))
                                        .setTotalSize(bytes.length)
                                        .build());
                            }
                            responses.onCompleted();
                        }
                    })
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        channel = NettyChannelBuilder.forTarget("127.0.0.1:" + server.getPort())
                .usePlaintext()
                .build();
    }

    public void put(String sha256, byte[] zip) {
        packages.put(sha256, zip);
    }

    public int fetches() {
        return fetches.get();
    }

    public ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
    }
}
