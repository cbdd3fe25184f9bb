package io.labctl.protocol.channel;

/** The normal end of a stream, with an exit code where the kind has one. */
public record StreamClose(Integer exitCode) {}
