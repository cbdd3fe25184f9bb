package io.labctl.persistence.internal;

import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway's log, into labd's: as it is, except that Flyway's own errors become warnings. The schema extender reports
 * every failed migration once as an ERROR that names the capability, the migration, the cause and the fix; Flyway's
 * line beside it would be a second, vaguer one. (Flyway instantiates this by name: {@code loggers(...)}.)
 */
public final class FlywayLog implements LogCreator {
    @Override
    public Log createLogger(Class<?> clazz) {
        Logger log = LoggerFactory.getLogger(clazz);
        return new Log() {
            @Override
            public boolean isDebugEnabled() {
                return log.isDebugEnabled();
            }

            @Override
            public void debug(String message) {
                log.debug(message);
            }

            @Override
            public void info(String message) {
                log.info(message);
            }

            @Override
            public void warn(String message) {
                log.warn(message);
            }

            @Override
            public void error(String message) {
                log.warn(message);
            }

            @Override
            public void error(String message, Exception e) {
                log.warn(message, e);
            }

            @Override
            public void notice(String message) {
                log.info(message);
            }
        };
    }
}
