package io.leadline.shared.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Jackson by default turns {@code "units": 2.5} into 2 and {@code "amount": "100"} into 100. A value we
 * would change behind the sender's back is refused instead: the mismatch reaches
 * {@link io.leadline.shared.web.ProblemMappers}, which answers 400 naming the field. Integer fields
 * only; a decimal amount may still come as a string ({@code "40.00"}), which keeps its exact value.
 * Applies to the REST bodies of every service (the NATS and event codec, {@link JsonCodec}, is separate).
 */
@Singleton
public class StrictNumbersCustomizer implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
}
