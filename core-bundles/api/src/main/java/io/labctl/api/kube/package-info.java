/** Registered Kubernetes clusters, as other capabilities use them. */
@org.osgi.annotation.versioning.Version("1.0.0")
package io.labctl.api.kube;
