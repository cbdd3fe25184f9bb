/** Contracts between labd's web front end and the bundles that contribute routes and sockets. */
@org.osgi.annotation.versioning.Version("0.4.0")
package io.labctl.api.web;
