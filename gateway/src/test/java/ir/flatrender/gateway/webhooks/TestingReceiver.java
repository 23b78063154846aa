package ir.flatrender.gateway.webhooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A webhook receiver on a raw socket, answering by the request's path: {@code /ok} 204,
 * {@code /nul} a header name with a NUL byte in it, {@code /hang} nothing at all (the
 * connection stays open until the receiver closes). Records the paths it was sent.
 */
final class TestingReceiver implements AutoCloseable {
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "testing-receiver");
        thread.setDaemon(true);
        return thread;
    });
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    TestingReceiver() throws IOException {
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        threads.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    open.add(socket);
                    threads.execute(() -> answer(socket));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    /** The request lines ("POST /ok") received so far, in order. */
    List<String> received() {
        return List.copyOf(received);
    }

    private void answer(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            String head = head(in);
            String requestLine = head.substring(0, head.indexOf("\r\n"));
            String path = requestLine.split(" ")[1];
            received.add("POST " + path);
            String answer = switch (path) {
                case "/ok" -> "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
                case "/nul" -> "HTTP/1.1 200 OK\r\nX-Bad\0Name: x\r\nContent-Length: 0\r\n\r\n";
                default -> null;
            };
            if (answer == null) {
                return; // hang: the socket stays open until close()
            }
            socket.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            socket.close();
        } catch (IOException | RuntimeException e) {
            // The client went away.
        }
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            byte[] bytes = head.toByteArray();
            int n = bytes.length;
            if (n >= 4
                    && bytes[n - 4] == '\r'
                    && bytes[n - 3] == '\n'
                    && bytes[n - 2] == '\r'
                    && bytes[n - 1] == '\n') {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
        threads.shutdownNow();
    }
}
