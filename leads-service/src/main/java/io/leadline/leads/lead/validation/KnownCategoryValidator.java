package io.leadline.leads.lead.validation;

import io.leadline.leads.lead.LeadsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

import java.util.TreeSet;

@ApplicationScoped
public class KnownCategoryValidator implements ConstraintValidator<KnownCategory, String> {

    // Hibernate Validator builds its validators while Quarkus boots, before runtime configuration
    // mappings exist: look the configuration up on first use instead of at injection
    @Inject
    Instance<LeadsConfig> config;

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        var categories = config.get().categories();
        if (value == null || categories.containsKey(value)) {
            return true;
        }
        // the list of accepted values is the most useful thing a form can show next to the field
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate("is not a known category; one of "
                        + String.join(", ", new TreeSet<>(categories.keySet())))
                .addConstraintViolation();
        return false;
    }
}
