/**
 * Custom modules built from git on the wire: credentials for private repositories (never their secret on the way
 * back), module sources (what came from where, at which commit) and their builds.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package io.labctl.protocol.sources;
