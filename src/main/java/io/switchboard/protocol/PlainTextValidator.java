package io.switchboard.protocol;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import java.util.Locale;

/** Checks {@link PlainText}; the message names the first refused character and its position. */
public class PlainTextValidator implements ConstraintValidator<PlainText, CharSequence> {

    static final String MULTILINE_RULE = "must not contain control characters except tab, LF and CR";
    static final String SINGLE_LINE_RULE = "must be a single line without control characters";
    static final String SEPARATOR_RULE = "must not contain U+2028 or U+2029 (use LF for line breaks)";
    static final String SURROGATE_RULE = "must be well-formed Unicode";

    private boolean multiline = true;

    @Override
    public void initialize(PlainText constraint) {
        multiline = constraint.multiline();
    }

    @Override
    public boolean isValid(CharSequence value, ConstraintValidatorContext context) {
        if (value == null) {
            return true;
        }
        String problem = problem(value, multiline);
        if (problem == null) {
            return true;
        }
        // the template holds only our own words, a code point in hex and a number: nothing to interpolate
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate(problem).addConstraintViolation();
        return false;
    }

    /** What is wrong with {@code value}, or {@code null} when nothing is. */
    static String problem(CharSequence value, boolean multiline) {
        int position = 0;
        for (int i = 0; i < value.length(); i++) {
            position++;
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++; // a pair: one supplementary character such as an emoji
                continue;
            }
            String rule = null;
            if (Character.isSurrogate(c)) {
                rule = SURROGATE_RULE + ": unpaired surrogate";
            } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                if (!multiline) {
                    rule = SINGLE_LINE_RULE + ": found";
                } else if (c != '\t' && c != '\n' && c != '\r') {
                    rule = MULTILINE_RULE + ": found";
                }
            } else if (c == '\u2028' || c == '\u2029') {
                rule = (multiline ? SEPARATOR_RULE : SINGLE_LINE_RULE) + ": found";
            }
            if (rule != null) {
                return String.format(Locale.ROOT, "%s U+%04X at character %d", rule, (int) c, position);
            }
        }
        return null;
    }
}
