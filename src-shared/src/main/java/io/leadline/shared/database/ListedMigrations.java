package io.leadline.shared.database;

import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Flyway's migrations from a list of classpath resources instead of a scan of their folders: a native
 * image holds the files (quarkus.native.resources.includes) but cannot list a folder, so a scan would
 * find no migration there and leave a fresh database empty. {@code DatabaseMigrationTest} checks that
 * the list names every migration file.
 */
public final class ListedMigrations implements ResourceProvider {

    private final List<LoadableResource> migrations;

    public ListedMigrations(ClassLoader loader, List<String> paths) {
        this.migrations = paths.stream().<LoadableResource>map(path -> new Migration(loader, path)).toList();
    }

    @Override
    public LoadableResource getResource(String name) {
        return migrations.stream()
                .filter(m -> m.getRelativePath().equals(name) || m.getFilename().equals(name))
                .findFirst().orElse(null);
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        return migrations.stream()
                .filter(m -> m.getFilename().startsWith(prefix))
                .filter(m -> Arrays.stream(suffixes).anyMatch(m.getFilename()::endsWith))
                .toList();
    }

    private static final class Migration extends LoadableResource {

        private final ClassLoader loader;
        private final String path;

        Migration(ClassLoader loader, String path) {
            this.loader = loader;
            this.path = path;
        }

        @Override
        public Reader read() {
            InputStream in = loader.getResourceAsStream(path);
            if (in == null) {
                throw new IllegalStateException("migration " + path + " is not on the classpath");
            }
            return new InputStreamReader(in, StandardCharsets.UTF_8);
        }

        @Override
        public String getAbsolutePath() {
            return path;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return path;
        }

        @Override
        public String getFilename() {
            return path.substring(path.lastIndexOf('/') + 1);
        }

        @Override
        public String getRelativePath() {
            return path;
        }
    }
}
