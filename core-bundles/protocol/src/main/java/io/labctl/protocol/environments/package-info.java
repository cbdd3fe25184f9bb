/**
 * Environments and clouds on the wire: what {@code labctl create environment} sends, and what labd shows of an
 * environment (its cloud, and for {@code describe} what is in it) and of a cloud. An environment's name is unique
 * across clouds, so {@code --env NAME} alone names it.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.labctl.protocol.environments;
