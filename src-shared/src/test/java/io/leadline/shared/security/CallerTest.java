package io.leadline.shared.security;

import io.leadline.shared.web.ProblemException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallerTest {

    @Test
    void aSubjectAsLeadsServiceWritesItIsTheAccountId() {
        assertThat(Caller.accountIdOf("1")).isEqualTo(1L);
        assertThat(Caller.accountIdOf("4711")).isEqualTo(4711L);
        assertThat(Caller.accountIdOf(Long.toString(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aMissingSubjectOrOneThatNamesNoAccountIsUnauthorized() {
        for (String subject : new String[] {null, "", "0", "-1", "+1", "007", " 1", "1 ", "1.5", "1e3", "abc",
                "admin-1", "9223372036854775808", "99999999999999999999"}) {
            assertThatThrownBy(() -> Caller.accountIdOf(subject))
                    .as("subject %s", subject)
                    .isInstanceOfSatisfying(ProblemException.class,
                            problem -> assertThat(problem.problem().status()).isEqualTo(401));
        }
    }
}
