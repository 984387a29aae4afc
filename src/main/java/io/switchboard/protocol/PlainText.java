package io.switchboard.protocol;

import static java.lang.annotation.ElementType.ANNOTATION_TYPE;
import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Text that people will read: no control characters (C0 except tab, LF and CR; DEL; C1), no U+2028/U+2029 line and
 * paragraph separators, and well-formed UTF-16 (no unpaired surrogate). {@code multiline = false} refuses tab, LF
 * and CR too. Emoji, combining marks, joiners and right-to-left text are accepted. {@code null} is valid.
 * <p>
 * The violation says which character was refused and where (1-based, counted in code points), e.g.
 * {@code must not contain control characters except tab, LF and CR: found U+0007 at character 6}.
 */
@Documented
@Constraint(validatedBy = PlainTextValidator.class)
@Target({FIELD, METHOD, PARAMETER, TYPE_USE, ANNOTATION_TYPE})
@Retention(RUNTIME)
public @interface PlainText {

    /** Whether tab, LF and CR are allowed. */
    boolean multiline() default true;

    String message() default "must not contain control characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
