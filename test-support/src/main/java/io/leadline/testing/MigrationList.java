package io.leadline.testing;

import io.leadline.shared.database.DatabaseMigration;
import io.leadline.shared.database.ListedMigrations;
import org.flywaydb.core.api.resource.LoadableResource;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks a service's {@value DatabaseMigration#MIGRATIONS} (in its application.properties, read from the
 * module's sources) against the migration files on disk: its own {@code db/migration} and the shared
 * {@code db/outbox}. A file left out of the list would never run in a native image.
 */
public final class MigrationList {

    private static final Path OWN_RESOURCES = Path.of("src/main/resources");
    private static final Path SHARED_RESOURCES = Path.of("../src-shared/src/main/resources");

    private MigrationList() {
    }

    /** Fails unless the list names exactly the migration files there are, and each one is readable. */
    public static void assertNamesEveryMigrationFile() {
        List<String> listed = listed();
        List<String> files = new ArrayList<>(sqlFiles(OWN_RESOURCES, "db/migration"));
        files.addAll(sqlFiles(SHARED_RESOURCES, "db/outbox"));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(files);

        ListedMigrations migrations = new ListedMigrations(MigrationList.class.getClassLoader(), listed);
        assertThat(migrations.getResources("V", new String[] {".sql"})).extracting(LoadableResource::getRelativePath)
                .containsExactlyInAnyOrderElementsOf(files);
        for (String file : files) {
            try (Reader reader = migrations.getResource(file).read()) {
                assertThat(reader.read()).as(file).isNotNegative();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static List<String> listed() {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(OWN_RESOURCES.resolve("application.properties"))) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String value = properties.getProperty(DatabaseMigration.MIGRATIONS);
        assertThat(value).as(DatabaseMigration.MIGRATIONS + " in application.properties").isNotBlank();
        return Arrays.stream(value.split(",")).map(String::strip).toList();
    }

    private static List<String> sqlFiles(Path root, String folder) {
        try (Stream<Path> paths = Files.list(root.resolve(folder))) {
            return paths.map(p -> folder + "/" + p.getFileName()).filter(name -> name.endsWith(".sql")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
