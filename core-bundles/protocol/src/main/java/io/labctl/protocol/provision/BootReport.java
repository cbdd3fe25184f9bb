package io.labctl.protocol.provision;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/** What a bastion tells labd when a machine boots: its MAC and what it reported (small string facts only). */
@JsonIgnoreProperties(ignoreUnknown = true)  // sent by machines upgraded on their own schedule: their new fields pass
public record BootReport(String mac, Map<String, String> facts) {
    /** Most facts one report may carry, and the longest key and value: a booting machine is not trusted. */
    public static final int MAX_FACTS = 64;
    public static final int MAX_KEY = 64;
    public static final int MAX_VALUE = 256;
}
