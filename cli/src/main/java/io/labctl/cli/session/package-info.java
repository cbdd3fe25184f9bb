/**
 * labctl sessions: one long-lived labctl process per user that runs the CLI's verbs for short-lived ones, so that a
 * command does not pay a cold JVM, TLS set-up and a handshake with labd every time (what ssh's ControlPersist does
 * for ssh). {@link io.labctl.cli.session.SessionClient} is what the launcher starts; it hands its arguments, stdin
 * and Ctrl-C to the {@link io.labctl.cli.session.SessionServer} over a Unix socket that only the same user can
 * reach, relays stdout and stderr back, and exits with the verb's exit code. With no session running it starts one
 * in the background and runs this invocation itself, as labctl always did.
 */
package io.labctl.cli.session;
