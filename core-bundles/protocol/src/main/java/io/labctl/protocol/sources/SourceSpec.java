package io.labctl.protocol.sources;

/**
 * What {@code labctl modules add} sends: the module's name, the git URL ({@code https://}, {@code http://},
 * {@code git://}, {@code ssh://} or {@code file://}), the ref to build (a branch, a tag or a commit; the remote's
 * default branch when null) and the credential to clone with (none for a public repository).
 */
public record SourceSpec(String name, String url, String ref, String credential) {}
