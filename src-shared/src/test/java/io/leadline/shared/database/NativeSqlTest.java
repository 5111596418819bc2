package io.leadline.shared.database;

import io.vertx.sqlclient.data.Numeric;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NativeSqlTest {

    @Test
    void numbersPlaceholdersInOrder() {
        assertThat(NativeSql.positional("UPDATE t SET a = ?, b = ? WHERE id = ? AND s IN (?, ?)"))
                .isEqualTo("UPDATE t SET a = $1, b = $2 WHERE id = $3 AND s IN ($4, $5)");
    }

    @Test
    void leavesQuestionMarksInLiteralsIdentifiersAndCommentsAlone() {
        assertThat(NativeSql.positional("SELECT 'why?', \"odd?name\" FROM t -- really?\nWHERE a = ? AND b = 'it''s ?'"))
                .isEqualTo("SELECT 'why?', \"odd?name\" FROM t -- really?\nWHERE a = $1 AND b = 'it''s ?'");
    }

    @Test
    void statementsWithoutPlaceholdersAreUnchanged() {
        String sql = "SELECT now()";
        assertThat(NativeSql.positional(sql)).isSameAs(sql);
    }

    @Test
    void rowReadsColumnsLeftToRightInTheTypesRecordsUse() {
        UUID key = UUID.randomUUID();
        OffsetDateTime at = OffsetDateTime.of(2026, 12, 2, 20, 0, 0, 0, ZoneOffset.ofHours(2));
        NativeSql.Row row = new NativeSql.Row(new Object[] {7L, 3, null, "text", at, Numeric.create(new BigDecimal("12.50")),
                key, true, (short) 2});

        assertThat(row.longValue()).isEqualTo(7L);
        assertThat(row.intValue()).isEqualTo(3);
        assertThat(row.nullableLong()).isNull();
        assertThat(row.string()).isEqualTo("text");
        assertThat(row.instant()).isEqualTo(Instant.parse("2026-12-02T18:00:00Z"));
        assertThat(row.decimal()).isEqualByComparingTo("12.50");
        assertThat(row.uuid()).isEqualTo(key);
        assertThat(row.bool()).isTrue();
        assertThat(row.shortValue()).isEqualTo((short) 2);
        assertThatThrownBy(row::value).isInstanceOf(IllegalStateException.class).hasMessageContaining("9 columns");
    }

    @Test
    void aReaderThatLeavesColumnsUnreadIsAMistake() {
        NativeSql.Row row = new NativeSql.Row(new Object[] {1L, "a"});
        row.longValue();
        assertThatThrownBy(() -> row.requireAllRead("SELECT id, name FROM t")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read 1 of the 2 columns of: SELECT id, name FROM t");
        row.string();
        row.requireAllRead("SELECT id, name FROM t");
    }

    @Test
    void aGetterOfTheWrongTypeNamesTheColumnInsteadOfConverting() {
        NativeSql.Row row = new NativeSql.Row(new Object[] {"7", Numeric.create(new BigDecimal("1.5")), 70_000L});
        assertThatThrownBy(row::longValue).hasMessage("column 1 is String, not an integer");
        assertThatThrownBy(row::string).hasMessageContaining("column 2 is");
        assertThatThrownBy(row::shortValue).hasMessage("column 3 is Long, not a smallint");
    }

    @Test
    void aNullWhereAValueIsRequiredNamesTheColumn() {
        NativeSql.Row row = new NativeSql.Row(new Object[] {1L, null});
        row.longValue();
        assertThatThrownBy(row::longValue).isInstanceOf(IllegalStateException.class).hasMessageContaining("column 2");
    }
}
