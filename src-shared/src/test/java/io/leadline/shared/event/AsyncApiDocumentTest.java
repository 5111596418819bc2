package io.leadline.shared.event;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.leadline.shared.json.JsonCodec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps docs/asyncapi.yaml true to the event contract: every event and every field is described. */
class AsyncApiDocumentTest {

    private static final Path DOCUMENT = Path.of("..", "docs", "asyncapi.yaml");

    @Test
    void everyEventIsAMessageOnItsChannelWithAllItsFields() throws IOException {
        String document = Files.readString(DOCUMENT);
        ObjectMapper mapper = JsonCodec.mapper();
        for (EventType type : EventType.values()) {
            assertThat(document).as("message for %s", type.wireName()).contains("name: " + type.wireName() + "\n");
            assertThat(document).as("channel reference for %s", type.wireName())
                    .contains("$ref: '#/components/messages/" + type.wireName() + "'");
            JavaType javaType = mapper.constructType(type.dataClass());
            BeanDescription description = mapper.getSerializationConfig().introspect(javaType);
            for (BeanPropertyDefinition property : description.findProperties()) {
                if (property.hasGetter() && !property.getGetter().hasAnnotation(com.fasterxml.jackson.annotation.JsonIgnore.class)) {
                    String name = mapper.getSerializationConfig().getPropertyNamingStrategy()
                            .nameForGetterMethod(mapper.getSerializationConfig(), property.getGetter(), property.getName());
                    assertThat(document).as("field %s of %s", name, type.wireName()).contains(" " + name + ":");
                }
            }
        }
    }
}
