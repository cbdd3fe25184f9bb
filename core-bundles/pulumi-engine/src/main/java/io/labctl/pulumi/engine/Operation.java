package io.labctl.pulumi.engine;

/** What a run asks of the engine. */
public enum Operation {
    /** Computes the changes an update would make; changes nothing. */
    PREVIEW,
    /** Brings the stack's resources to what the program declares. */
    UP,
    /** Deletes every resource of the stack. */
    DESTROY,
    /** Computes what a destroy would delete; changes nothing. */
    PREVIEW_DESTROY
}
