package ir.flatrender.gateway.webhooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Posts one webhook over HTTP/1.1 on a socket of its own, so that the address checked is the
 * address used: the host is looked up once, every address it has is checked against
 * {@link WebhookTargets#refusal}, the socket connects to one of those addresses, and the
 * connected address is checked again. (An HTTP client that does its own lookup could be sent
 * elsewhere by a DNS answer that changes between the check and the connect.) TLS verifies the
 * certificate for the URL's host name. Only the answer's head is read: its status decides.
 */
final class WebhookSender {
    private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.[01] (\\d{3})(?: .*)?$");
    private static final int MAX_HEAD = 16 * 1024;

    /** The delivery may not go where its URL leads. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    private final boolean allowPrivate;
    private final Duration connectTimeout;
    private final Duration timeout;

    WebhookSender(boolean allowPrivate, Duration connectTimeout, Duration timeout) {
        this.allowPrivate = allowPrivate;
        this.connectTimeout = connectTimeout;
        this.timeout = timeout;
    }

    /** Posts {@code body}; answers the status code. */
    int post(URI uri, Map<String, String> headers, byte[] body) throws IOException {
        boolean tls = "https".equals(uri.getScheme());
        String host = uri.getHost();
        int port = uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort();
        List<InetAddress> addresses = List.of(InetAddress.getAllByName(host));
        if (!allowPrivate) {
            for (InetAddress address : addresses) {
                Optional<String> refused = WebhookTargets.refusal(address);
                if (refused.isPresent()) {
                    throw new Refused("the URL " + refused.get());
                }
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket socket = connect(addresses, port)) {
            if (!allowPrivate) {
                Optional<String> refused = WebhookTargets.refusal(socket.getInetAddress());
                if (refused.isPresent()) {
                    throw new Refused("the URL " + refused.get());
                }
            }
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            Socket channel = socket;
            if (tls) {
                SSLSocket ssl = (SSLSocket)
                        ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket, host, port, true);
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                if (!host.contains(":") && !Character.isDigit(host.charAt(host.length() - 1))) {
                    parameters.setServerNames(List.of(new SNIHostName(host)));
                }
                ssl.setSSLParameters(parameters);
                ssl.startHandshake();
                channel = ssl;
            }
            OutputStream out = channel.getOutputStream();
            StringBuilder head = new StringBuilder();
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            head.append("POST ").append(path).append(" HTTP/1.1\r\n");
            head.append("Host: ").append(uri.getRawAuthority()).append("\r\n");
            headers.forEach((name, value) ->
                    head.append(name).append(": ").append(value).append("\r\n"));
            head.append("Content-Length: ").append(body.length).append("\r\n");
            head.append("Connection: close\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return status(readHead(channel.getInputStream(), deadline));
        }
    }

    private Socket connect(List<InetAddress> addresses, int port) throws IOException {
        IOException last = null;
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
                return socket;
            } catch (IOException e) {
                socket.close();
                last = e;
            }
        }
        throw last == null ? new IOException("the host has no address") : last;
    }

    private static String readHead(InputStream in, long deadline) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0; // of "\r\n\r\n"
        while (matched < 4) {
            if (System.nanoTime() > deadline) {
                throw new SocketTimeoutException("the receiver did not answer in time");
            }
            int b = in.read();
            if (b == -1) {
                if (head.size() == 0) {
                    throw new IOException("the receiver closed the connection without answering");
                }
                break;
            }
            head.write(b);
            if (head.size() > MAX_HEAD) {
                throw new IOException("the answer's head is longer than " + MAX_HEAD + " bytes");
            }
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static int status(String head) throws IOException {
        for (int i = 0; i < head.length(); i++) {
            char c = head.charAt(i);
            if (c < 0x20 && c != '\r' && c != '\n' && c != '\t') {
                throw new IOException("the answer's head is malformed (a control character at byte " + i + ")");
            }
        }
        int end = head.indexOf("\r\n");
        String statusLine = end < 0 ? head : head.substring(0, end);
        Matcher m = STATUS.matcher(statusLine);
        if (!m.matches()) {
            throw new IOException("the answer's status line is malformed: " + statusLine);
        }
        return Integer.parseInt(m.group(1));
    }
}
