package io.leadline.leads.database;

import io.leadline.testing.MigrationList;
import org.junit.jupiter.api.Test;

class MigrationListTest {

    @Test
    void theListNamesEveryMigrationFileOfLeadsAndOfTheSharedOutbox() {
        MigrationList.assertNamesEveryMigrationFile();
    }
}
