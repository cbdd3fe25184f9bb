/** Frames of the agent channel: one WebSocket per agent, binary frames multiplexed by stream id. */
@org.osgi.annotation.versioning.Version("0.4.0")
package io.labctl.protocol.channel;
