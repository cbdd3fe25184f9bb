package io.labctl.protocol.exec;

/** One recording: its description and the asciinema v2 text ('asciinema play FILE' replays it). */
public record Recording(RecordingInfo info, String cast) {}
