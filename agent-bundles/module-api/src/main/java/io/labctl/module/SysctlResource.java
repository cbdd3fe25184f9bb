package io.labctl.module;

public class SysctlResource extends Resource {
    public SysctlResource(String key, String value) {
        super("sysctl:" + key);
    }
}
