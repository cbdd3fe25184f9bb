/** Wire format shared by labd, lab-agent and labctl: REST payloads, join tokens, selectors, credential bundles. */
@org.osgi.annotation.versioning.Version("0.6.0")
package io.labctl.protocol;
