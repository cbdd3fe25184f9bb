package io.labctl.protocol;

import java.util.Map;

/** Request to mint a join token. ttlSeconds null or 0 means no expiry; the scope fields are optional and are
 *  stamped onto every server that enrols with the token. server, when set, is the only name that may enrol. */
public record TokenSpec(boolean reusable, Long ttlSeconds, String cloud, String environment, String role,
                        Map<String, String> labels, String server, String description) {}
