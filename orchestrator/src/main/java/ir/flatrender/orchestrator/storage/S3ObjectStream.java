package ir.flatrender.orchestrator.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** An object's body that, closed before its end, aborts its connection instead of draining it. */
final class S3ObjectStream extends FilterInputStream {
    private final ResponseInputStream<GetObjectResponse> body;
    private boolean ended;

    S3ObjectStream(ResponseInputStream<GetObjectResponse> body) {
        super(body);
        this.body = body;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        ended |= b < 0;
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int read = super.read(buffer, offset, length);
        ended |= read < 0;
        return read;
    }

    @Override
    public void close() throws IOException {
        if (!ended) {
            body.abort();
        }
        super.close();
    }
}
