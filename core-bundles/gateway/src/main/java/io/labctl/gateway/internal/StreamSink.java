package io.labctl.gateway.internal;

import io.labctl.protocol.channel.ProtocolException;
import io.labctl.protocol.channel.StreamError;

/** Where an agent's frames for one stream go: a request-response call, or a long-lived stream's listener. */
interface StreamSink {
    /** A DATA payload; false when the sink will take no more (the stream is then failed). */
    boolean data(byte[] payload);

    /** A DEFLATED payload, passed on undecoded; a sink that never asks for compression refuses it. */
    void deflated(byte[] payload) throws ProtocolException;

    /** The agent will take this many more input bytes. */
    void grantedByAgent(int bytes);

    void closed(Integer exitCode);

    void failed(StreamError error);

    /** The agent's connection ended first. */
    void lost(String why);
}
