package io.labctl.repository.internal;

/** One chunk's bytes (a mapper cannot return a bare byte[]: MyBatis reads an array return type as many rows). */
public class ChunkRow {
    public byte[] data;
}
