package ir.flatrender.tools.processes;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits for SIGTERM or Ctrl-C, then holds the JVM's shutdown until the command has closed
 * what it runs, so a stop never cuts a database write or an upload in half.
 */
final class Shutdown {
    private static final long CLOSE_SECONDS = 20;

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    static Shutdown onSignal() {
        Shutdown shutdown = new Shutdown();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            shutdown.requested.countDown();
                            try {
                                shutdown.finished.await(CLOSE_SECONDS, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "shutdown"));
        return shutdown;
    }

    void await() throws InterruptedException {
        requested.await();
    }

    void finished() {
        finished.countDown();
    }
}
