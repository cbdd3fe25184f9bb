package io.labctl.pulumi.engine;

/** Receives what the engine reports while it runs, on the run's threads; must not block for long. */
public interface EngineListener {
    /** One line of the engine's own progress output (what {@code pulumi up} prints), without its line end. */
    void line(String text);
}
