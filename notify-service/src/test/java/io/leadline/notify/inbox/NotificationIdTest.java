package io.leadline.notify.inbox;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationIdTest {

    @Test
    void anInboxIdIsAPositiveWholeNumberThatFitsALong() {
        assertThat(NotificationId.parse("42")).contains(new NotificationId(42, null));
        assertThat(NotificationId.parse("999999999999999999")).contains(new NotificationId(999_999_999_999_999_999L, null));
        for (String bad : new String[] {"0", "-1", "007", "1.5", "1e3", " 1", "9999999999999999999", ""}) {
            assertThat(NotificationId.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void anEventIdIsAUlidInEitherCase() {
        assertThat(NotificationId.parse("01arz3ndektsv4rrffq69g5fav"))
                .contains(new NotificationId(0, "01ARZ3NDEKTSV4RRFFQ69G5FAV"));
        for (String bad : new String[] {"01ARZ3NDEKTSV4RRFFQ69G5FA", "01ARZ3NDEKTSV4RRFFQ69G5FAVX", "01ARZ3NDEKTSV4RRFFQ69G5FAU",
                "01ARZ3NDEKTSV4RRFFQ69G5FA!"}) {
            assertThat(NotificationId.parse(bad)).as(bad).isEmpty();
        }
        assertThat(NotificationId.parse(null)).isEmpty();
    }
}
