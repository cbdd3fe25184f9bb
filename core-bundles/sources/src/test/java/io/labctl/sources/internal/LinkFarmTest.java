package io.labctl.sources.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinkFarmTest {
    @TempDir
    Path tmp;

    @Test
    void laterRepositoriesWinAndMissingOnesAreLeftOutAndNamed() throws Exception {
        Path cache = tmp.resolve("cache");
        Path api = tmp.resolve("api");
        Path missing = tmp.resolve("build-cache");
        Files.createDirectories(cache.resolve("io/labctl/api/1"));
        Files.createDirectories(api.resolve("io/labctl/api/1"));
        Files.writeString(cache.resolve("io/labctl/api/1/api-1.jar"), "from the cache");
        Files.writeString(cache.resolve("io/labctl/api/1/_remote.repositories"), "central");
        Files.writeString(api.resolve("io/labctl/api/1/api-1.jar"), "labd's own");
        Path farm = tmp.resolve("farm");

        LinkFarm.Made made = LinkFarm.make(List.of(missing, cache, api), farm, p -> { });

        assertEquals(List.of(missing), made.missing());
        assertEquals(2, made.files(), "the cache's jar, then labd's over it");
        assertEquals("labd's own", Files.readString(farm.resolve("io/labctl/api/1/api-1.jar")));
        assertFalse(Files.exists(farm.resolve("io/labctl/api/1/_remote.repositories")));
        assertEquals("labd's own", Files.readString(api.resolve("io/labctl/api/1/api-1.jar")), "the sources untouched");
        assertEquals("from the cache", Files.readString(cache.resolve("io/labctl/api/1/api-1.jar")));
    }
}
