package io.labctl.protocol.sources;

/**
 * What {@code labctl modules add} (and {@code apps add}, kind app) sends: the module's or app's name, the git URL ({@code https://}, {@code http://},
 * {@code git://}, {@code ssh://} or {@code file://}), the ref to build (a branch, a tag or a commit; the remote's
 * default branch when null) and the credential to clone with (none for a public repository).
 */
public record SourceSpec(String name, String url, String ref, String credential, String kind) {
    /** A module's source (the kind when none is given). */
    public static final String MODULE = "module";
    /** An app's source: its build makes the app's jar (with app/app.yaml) for the Pulumi runner. */
    public static final String APP = "app";

    public SourceSpec(String name, String url, String ref, String credential) {
        this(name, url, ref, credential, MODULE);
    }
}
