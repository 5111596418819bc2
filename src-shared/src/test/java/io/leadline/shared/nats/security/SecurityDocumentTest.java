package io.leadline.shared.nats.security;

import io.leadline.shared.nats.StreamLimits;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps docs/security.md's NATS permission table the one NatsIdentity defines. */
class SecurityDocumentTest {

    private static final Path DOCUMENT = Path.of("..", "docs", "security.md");
    private static final String BEGIN = "<!-- nats-permissions -->\n";
    private static final String END = "<!-- /nats-permissions -->";

    @Test
    void thePermissionTableIsTheOneTheServersGet() throws IOException {
        String document = Files.readString(DOCUMENT);
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        assertThat(begin).as("the table's opening marker").isNotNegative();
        assertThat(end).as("the table's closing marker").isGreaterThan(begin);
        assertThat(document.substring(begin + BEGIN.length(), end))
                .as("docs/security.md (regenerate with: NatsSetup table)")
                .isEqualTo(NatsServerConfig.permissionTable(StreamLimits.DEFAULTS.name()));
    }
}
