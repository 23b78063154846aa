package ir.flatrender.tools;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.read.ListAppender;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Issue 17, case 8: logs an operator can read. */
class LoggingTest {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();

    /** The production configuration (logback.xml), not the tests' own, for the length of each test. */
    private void configure(String resource) throws JoranException {
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(LoggingTest.class.getResource(resource));
    }

    @BeforeEach
    void listen() throws JoranException {
        configure("/logback.xml");
        seen.setContext(context);
        seen.start();
        root.addAppender(seen);
    }

    @AfterEach
    void stopListening() throws JoranException {
        root.detachAppender(seen);
        configure("/logback-test.xml");
    }

    @Test
    @DisplayName("the shipped configuration loads without a warning: logback prints its whole status on the"
            + " CLI's standard output when one does, ahead of a table or -o json")
    void theShippedConfigurationLoadsCleanly() throws JoranException {
        LoggerContext fresh = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(fresh);
        configurator.doConfigure(LoggingTest.class.getResource("/logback.xml"));
        assertThat(new ch.qos.logback.core.status.StatusUtil(fresh).getHighestLevel(0))
                .as("%s", fresh.getStatusManager().getCopyOfStatusList())
                .isLessThan(ch.qos.logback.core.status.Status.WARN);
        fresh.stop();
    }

    private static int flatrender(String... args) {
        return FlatRender.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false, args);
    }

    private List<String> messages() {
        return seen.list.stream()
                .map(e -> e.getLoggerName() + " " + e.getLevel() + " " + e.getFormattedMessage())
                .toList();
    }

    @Test
    @DisplayName("case 8: gRPC's java.util.logging warnings go through SLF4J, in the farm's format")
    void javaUtilLoggingIsBridged() {
        assertThat(flatrender("--help")).isZero();

        java.util.logging.Logger.getLogger("io.grpc.internal.SerializingExecutor")
                .warning("Exception while executing runnable");

        assertThat(messages()).contains("io.grpc.internal.SerializingExecutor WARN Exception while executing runnable");
    }

    @Test
    @DisplayName("case 8: third-party INFO lines (Javalin, Jetty) are hidden unless --verbose; the farm's are shown")
    void thirdPartyInfoIsHiddenUnlessVerbose() {
        assertThat(flatrender("--help")).isZero();
        LoggerFactory.getLogger("org.eclipse.jetty.server.Server").info("Started Server@1");
        LoggerFactory.getLogger("io.javalin.Javalin").info("Listening on http://localhost:7070/");
        LoggerFactory.getLogger("ir.flatrender.gateway.Gateway").info("gateway listening");
        LoggerFactory.getLogger("org.eclipse.jetty.server.Server").warn("a real warning");
        assertThat(messages())
                .containsExactly(
                        "ir.flatrender.gateway.Gateway INFO gateway listening",
                        "org.eclipse.jetty.server.Server WARN a real warning");

        seen.list.clear();
        assertThat(flatrender("--verbose", "--help")).isZero();
        LoggerFactory.getLogger("io.javalin.Javalin").info("Listening on http://localhost:7070/");
        assertThat(messages()).containsExactly("io.javalin.Javalin INFO Listening on http://localhost:7070/");
    }

    @Test
    @DisplayName(
            "case 8: a routine WARN with an exception is one more line, not a stack trace; an ERROR keeps its trace")
    void routineWarningsCarryNoStackTrace() {
        RoutineThrowableConverter converter = new RoutineThrowableConverter();
        converter.setContext(context);
        converter.start();
        Exception refused = new RuntimeException(
                "UNAVAILABLE: io exception", new ConnectException("Connection refused: localhost/127.0.0.1:7600"));
        Logger node = context.getLogger("ir.flatrender.node.control.ControlStream");

        String warn = converter.convert(
                new LoggingEvent(Logger.class.getName(), node, Level.WARN, "control stream lost", refused, null));
        String error = converter.convert(
                new LoggingEvent(Logger.class.getName(), node, Level.ERROR, "unexpected", refused, null));

        assertThat(warn.lines())
                .containsExactly("    java.lang.RuntimeException: UNAVAILABLE: io exception; caused by"
                        + " java.net.ConnectException: Connection refused: localhost/127.0.0.1:7600");
        assertThat(error.lines().count()).isGreaterThan(5);
        assertThat(error).contains("at ir.flatrender.tools.LoggingTest");
    }
}
