package io.labctl.protocol.access;

/**
 * "May this subject do action on that resource?" resource is {@code server/NAME} or a permission-shaped scope
 * {@code cloud:environment:server}. as names another user (needs admin); null means the caller.
 */
public record AccessReview(String action, String resource, String as) {}
