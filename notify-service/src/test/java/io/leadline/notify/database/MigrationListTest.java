package io.leadline.notify.database;

import io.leadline.testing.MigrationList;
import org.junit.jupiter.api.Test;

class MigrationListTest {

    @Test
    void theListNamesEveryMigrationFileOfNotifyAndOfTheSharedOutbox() {
        MigrationList.assertNamesEveryMigrationFile();
    }
}
