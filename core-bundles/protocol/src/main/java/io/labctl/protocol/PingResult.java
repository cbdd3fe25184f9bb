package io.labctl.protocol;

/**
 * A ping through an agent's connection. The agent's "ping" stream answers with agentVersion and agentUptimeMillis;
 * labd adds the server name and the round trip it measured, in microseconds.
 */
public record PingResult(String server, Long roundTripMicros, String agentVersion, Long agentUptimeMillis) {}
