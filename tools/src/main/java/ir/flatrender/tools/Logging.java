package ir.flatrender.tools;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** Sets how much the farm logs, once, from the command that runs it. */
public final class Logging {
    private Logging() {}

    public static void setFarmLevel(String level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            Logger farm = context.getLogger("ir.flatrender");
            farm.setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
