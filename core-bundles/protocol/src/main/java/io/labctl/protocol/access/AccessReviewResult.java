package io.labctl.protocol.access;

/** The answer: the concrete permission that was checked and why it was allowed or denied. */
public record AccessReviewResult(boolean allowed, String user, String permission, String reason) {}
