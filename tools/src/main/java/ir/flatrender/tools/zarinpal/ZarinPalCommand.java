package ir.flatrender.tools.zarinpal;

import ir.flatrender.tools.ExitCodes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flatrender zarinpal}: a ZarinPal v4 emulator for development, until interrupted. */
@Command(
        name = "zarinpal",
        description = "Runs a ZarinPal v4 emulator (request, StartPay, verify, unVerified) for development",
        footer = {
            "",
            "Examples:",
            "  flatrender zarinpal",
            "  flatrender zarinpal --listen 0.0.0.0:7710 --merchant 00000000-0000-0000-0000-000000000000"
        })
public final class ZarinPalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--listen",
            defaultValue = "127.0.0.1:7710",
            description = "HTTP address to listen on (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(
            names = "--merchant",
            paramLabel = "MERCHANT_ID",
            description = "A merchant id it accepts, 36 characters (repeatable); none: any well-formed one.")
    List<String> merchants = new ArrayList<>();

    @Override
    public Integer call() {
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(
                    "--listen must be host:port, e.g. 127.0.0.1:7710, but was '" + listen + "'");
        }
        String host = listen.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--listen has a bad port: '" + listen + "'");
        }
        for (String merchant : merchants) {
            if (merchant.length() != 36) {
                throw new IllegalArgumentException(
                        "--merchant must be a 36-character merchant id, but was '" + merchant + "'");
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        ZarinPalEmulator emulator = ZarinPalEmulator.start(host, port, Set.copyOf(merchants));
        Thread hook = new Thread(
                () -> {
                    emulator.close();
                    stopped.countDown();
                },
                "zarinpal-shutdown");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "zarinpal emulator on %s (%s)%n",
                    emulator.baseUrl(), merchants.isEmpty() ? "any merchant" : String.join(", ", merchants));
            out.flush();
            stopped.await();
        } catch (InterruptedException e) {
            // Asked to stop (a test, or an embedding thread): close and end normally.
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is stopping and the hook runs too; closing twice is harmless.
            }
            emulator.close();
        }
        return ExitCodes.OK;
    }
}
