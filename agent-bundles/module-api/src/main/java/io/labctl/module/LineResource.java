package io.labctl.module;

public class LineResource extends Resource {
    public LineResource(String path, String line) {
        super("line:" + path + ":" + line);
    }

    public LineResource replacing(String regex) {
        return this;
    }
}
