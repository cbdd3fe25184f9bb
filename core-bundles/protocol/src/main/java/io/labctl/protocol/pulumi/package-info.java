/** Pulumi runs on the wire: what labctl asks (plan, apply, destroy a program in an environment) and what labd keeps. */
@org.osgi.annotation.versioning.Version("1.1.0")
package io.labctl.protocol.pulumi;
