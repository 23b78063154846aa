package ir.flatrender.node.control;

import static java.util.Objects.requireNonNull;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import ir.flatrender.node.templates.PackageSource;
import ir.flatrender.proto.farm.v1.FetchTemplateRequest;
import ir.flatrender.proto.farm.v1.NodeServiceGrpc;
import ir.flatrender.proto.farm.v1.TemplateData;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/** Template packages from the orchestrator's {@code FetchTemplate}, each call under a deadline. */
public final class GrpcPackageSource implements PackageSource {
    private final Channel channel;
    private final Duration deadline;

    public GrpcPackageSource(Channel channel, Duration deadline) {
        this.channel = requireNonNull(channel, "channel is null");
        this.deadline = requireNonNull(deadline, "deadline is null");
    }

    @Override
    public void copy(String sha256, long offset, OutputStream out) throws IOException {
        try {
            Iterator<TemplateData> stream = NodeServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .fetchTemplate(FetchTemplateRequest.newBuilder()
                            .setSha256(sha256)
                            .setOffset(offset)
                            .build());
            long expected = offset;
            while (stream.hasNext()) {
                TemplateData data = stream.next();
                if (data.getOffset() != expected) {
                    throw new IOException(
                            "package data out of order: got offset " + data.getOffset() + ", expected " + expected);
                }
                data.getData().writeTo(out);
                expected += data.getData().size();
            }
        } catch (StatusRuntimeException e) {
            throw CallFailures.unreachable(e)
                    ? new PackageSource.Unreachable(e.getMessage(), e)
                    : new IOException(e.getMessage(), e);
        }
    }
}
