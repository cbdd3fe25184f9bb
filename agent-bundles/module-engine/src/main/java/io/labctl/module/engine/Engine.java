package io.labctl.module.engine;

import io.labctl.module.DesiredState;

public final class Engine {
    public Engine(Host host) {
    }

    public EngineRun plan(DesiredState state) {
        throw new UnsupportedOperationException("stand-in");
    }

    public EngineRun apply(DesiredState state) {
        throw new UnsupportedOperationException("stand-in");
    }
}
