package io.leadline.notify.database;

import org.flywaydb.core.api.resource.LoadableResource;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseMigrationTest {

    @Test
    void theListNamesEveryMigrationFileOfNotifyAndOfTheSharedOutbox() throws IOException {
        List<String> files = new ArrayList<>();
        files.addAll(sqlFiles(Path.of("src/main/resources"), "db/migration"));
        files.addAll(sqlFiles(Path.of("../src-shared/src/main/resources"), "db/outbox"));

        assertThat(DatabaseMigration.MIGRATIONS).containsExactlyInAnyOrderElementsOf(files);
    }

    @Test
    void flywayFindsTheVersionedMigrationsAndReadsThemFromTheClasspath() throws IOException {
        ListedMigrations migrations = new ListedMigrations(getClass().getClassLoader(), DatabaseMigration.MIGRATIONS);

        assertThat(migrations.getResources("V", new String[] {".sql"})).extracting(LoadableResource::getFilename)
                .containsExactlyInAnyOrder("V1__notifications.sql", "V2__inbox_position.sql", "V3__ws_tickets.sql",
                        "V0_1__outbox.sql");
        assertThat(migrations.getResources("R", new String[] {".sql"})).isEmpty();
        try (Reader reader = migrations.getResource("db/outbox/V0_1__outbox.sql").read()) {
            assertThat(new BufferedReader(reader).lines()).anyMatch(line -> line.contains("outbox"));
        }
    }

    private static List<String> sqlFiles(Path root, String folder) throws IOException {
        try (Stream<Path> paths = Files.list(root.resolve(folder))) {
            return paths.map(p -> folder + "/" + p.getFileName()).filter(name -> name.endsWith(".sql")).toList();
        }
    }
}
