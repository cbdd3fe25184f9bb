package io.labctl.persistence;

import java.util.function.Function;
import org.apache.ibatis.session.SqlSession;
import org.osgi.annotation.versioning.ProviderType;

/** MyBatis sessions for one bundle's mappers. Inside {@link Database#transaction} they join it; outside, each call
 *  is its own transaction. */
@ProviderType
public interface Sessions {

    /** Runs work with a session and commits (or joins the surrounding transaction). */
    <T> T with(Function<SqlSession, T> work);

    /** Shorthand: runs work against one mapper. */
    default <M, T> T mapper(Class<M> type, Function<M, T> work) {
        return with(s -> work.apply(s.getMapper(type)));
    }
}
