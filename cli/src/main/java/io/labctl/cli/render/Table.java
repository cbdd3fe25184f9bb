package io.labctl.cli.render;

import io.labctl.protocol.text.TextTable;
import java.util.Arrays;
import java.util.List;

/** labctl's table style, kubectl's: columns three spaces apart, an empty cell shows {@code <none>}. */
public final class Table extends TextTable {
    public Table(String... header) {
        this(Arrays.asList(header));
    }

    public Table(List<String> header) {
        super(3, "<none>", header);
    }
}
