package io.labctl.protocol.access;

/** The caller as labd sees it (like kubectl auth whoami): identity kind and name, and the bound roles. */
public record WhoAmI(String kind, String name, java.util.List<String> roles) {}
