package io.leadline.leads.lead.validation;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A category configured under {@code leadline.leads.categories}; null is left to {@code @NotNull}. */
@Documented
@Constraint(validatedBy = KnownCategoryValidator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface KnownCategory {

    String message() default "is not a known category";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
