package io.labctl.agent.logs.internal;

/** The journal part of the configuration, normalised: a blank program means journalctl, a blank directory none. */
record JournalSettings(String journalctl, String journalDirectory) {
    static final JournalSettings DEFAULT = new JournalSettings("journalctl", "");

    JournalSettings {
        journalctl = journalctl == null || journalctl.isBlank() ? "journalctl" : journalctl.strip();
        journalDirectory = journalDirectory == null ? "" : journalDirectory.strip();
    }

    static JournalSettings of(LogsConfig config) {
        return new JournalSettings(config.journalctl(), config.journalDirectory());
    }
}
