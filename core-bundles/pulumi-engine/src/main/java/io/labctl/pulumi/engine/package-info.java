/**
 * Drives the Pulumi engine: one preview, update or destroy of one stack, with the engine's output as it comes.
 * labd's runs (records, locks, audit, sealed passphrases) are built on it; nothing here knows users or the database.
 */
@org.osgi.annotation.versioning.Version("1.1.0")
package io.labctl.pulumi.engine;
