/**
 * Tests for configuration modules: {@link io.labctl.module.testkit.ModuleTester} runs a module's plan, apply, removal
 * and health through the engine, against a scratch root (unit tests) or a {@link io.labctl.module.testkit.Machine}
 * (a real Debian machine with systemd as PID 1, for packages, services, users, sysctl and commands).
 */
package io.labctl.module.testkit;
