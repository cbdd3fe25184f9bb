/**
 * Apps on the wire and in their jars: {@code app.yaml} (what an app is and takes), the resolution of its inputs, and
 * what labctl asks of an app and what labd keeps of its revisions.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package io.labctl.protocol.apps;
