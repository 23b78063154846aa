package ir.flatrender.tools;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.CoreConstants;

/**
 * Stack traces for the unexpected only: an ERROR line keeps its whole trace; a WARN or lower
 * line (a refused connection while a node reconnects, a retried upload) gets one more line
 * with the exception and its causes' messages, so a routine event stays readable.
 */
public final class RoutineThrowableConverter extends ThrowableProxyConverter {
    @Override
    public String convert(ILoggingEvent event) {
        IThrowableProxy error = event.getThrowableProxy();
        if (error == null) {
            return "";
        }
        if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
            return super.convert(event);
        }
        StringBuilder line = new StringBuilder("    ");
        for (IThrowableProxy cause = error; cause != null; cause = cause.getCause()) {
            if (cause != error) {
                line.append("; caused by ");
            }
            line.append(cause.getClassName());
            if (cause.getMessage() != null) {
                line.append(": ").append(cause.getMessage());
            }
        }
        return line.append(CoreConstants.LINE_SEPARATOR).toString();
    }
}
