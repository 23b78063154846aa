package ir.flatrender.tools;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Sets how much the farm logs, once, from the command that runs it. */
public final class Logging {
    private Logging() {}

    /**
     * {@code text} (the default: one line each, with job, chunk and node ids where known) or
     * {@code json} (one JSON object a line, for log shippers: logback's JsonEncoder, the ids in
     * its {@code mdc} object).
     */
    public static void setFormat(String format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        switch (format.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "text" -> {}
            case "json" -> {
                var appender =
                        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
                if (appender
                        instanceof
                        ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> stream) {
                    ch.qos.logback.classic.encoder.JsonEncoder json = new ch.qos.logback.classic.encoder.JsonEncoder();
                    json.setContext(context);
                    json.setWithFormattedMessage(true);
                    json.setWithMessage(false);
                    json.setWithArguments(false);
                    json.setWithSequenceNumber(false);
                    json.setWithNanoseconds(false);
                    json.start();
                    stream.setEncoder(json);
                }
            }
            default -> throw new IllegalArgumentException("--log-format must be text or json but was '" + format + "'");
        }
    }

    /**
     * Sends java.util.logging (gRPC's and the JDK's own warnings) through SLF4J, so it is
     * written in the same format (JSON under {@code --log-format json}) and at the same levels.
     * Safe to call again: the bridge is installed once per JVM.
     */
    public static void bridgeJavaUtilLogging() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    /**
     * Third-party libraries (Jetty, Javalin, gRPC, Flyway, …) log at WARN and above unless
     * {@code verbose}, when their INFO lines are shown too. The farm's own lines stay at INFO.
     */
    public static void setVerbose(boolean verbose) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(verbose ? Level.INFO : Level.WARN);
        }
    }

    public static void setFarmLevel(String level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            Logger farm = context.getLogger("ir.flatrender");
            farm.setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
