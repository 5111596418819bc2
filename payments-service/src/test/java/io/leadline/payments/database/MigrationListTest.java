package io.leadline.payments.database;

import io.leadline.testing.MigrationList;
import org.junit.jupiter.api.Test;

class MigrationListTest {

    @Test
    void theListNamesEveryMigrationFileOfPaymentsAndOfTheSharedOutbox() {
        MigrationList.assertNamesEveryMigrationFile();
    }
}
