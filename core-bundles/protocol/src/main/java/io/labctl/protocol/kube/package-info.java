/**
 * Kubernetes clusters on the wire: what {@code labctl clusters add} sends (a kubeconfig reduced to one context, its
 * credentials inlined), what labd shows of a cluster (never a credential), and the one reading of a kubeconfig that
 * labctl and labd share, so both refuse the same things with the same words.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package io.labctl.protocol.kube;
