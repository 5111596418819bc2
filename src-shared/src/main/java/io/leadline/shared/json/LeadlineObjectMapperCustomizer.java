package io.leadline.shared.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/** Gives the REST layer the same JSON shape as the events. */
@Singleton
public class LeadlineObjectMapperCustomizer implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        JsonCodec.configure(mapper);
    }
}
