package io.switchboard.protocol;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.TraversableResolver;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.lang.annotation.ElementType;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Checks the Bean Validation constraints of decoded messages and requests, and turns a violation into the
 * {@link InvalidMessage} a client gets: {@code missing_field} when a required field is {@code null},
 * {@code invalid_field} otherwise, naming the field and the rule ({@code field 'text' must be at most 4000
 * characters}).
 * <p>
 * One {@link Validator} from the server's factory (Hibernate Validator on Payara and on WildFly) serves every
 * codec and request. Every rule's message is literal English text, so the error does not depend on the server's
 * locale or message bundles.
 */
public final class Constraints {

    private Constraints() {}

    private static volatile Validator validator;

    /**
     * Validates with the server's own factory from now on (called at startup by {@link ValidatorSetup}: decoders
     * are not CDI beans and cannot have it injected). Messages and requests are never JPA entities: every property
     * is reachable, which spares the provider's default resolver from asking JPA about each one.
     */
    static void use(ValidatorFactory factory) {
        validator = factory.usingContext()
                .traversableResolver(new EveryPropertyReachable())
                .getValidator();
    }

    /**
     * The shared, thread-safe validator. Without a container (unit tests, plain Java) one is bootstrapped from the
     * provider on the class path; inside a server that is not portable (a WildFly deployment's
     * {@code Validation.buildDefaultValidatorFactory()} finds no provider), hence {@link #use}.
     */
    public static Validator validator() {
        Validator current = validator;
        if (current == null) {
            synchronized (Constraints.class) {
                if (validator == null) {
                    use(Validation.buildDefaultValidatorFactory());
                }
                current = validator;
            }
        }
        return current;
    }

    private static final class EveryPropertyReachable implements TraversableResolver {
        @Override
        public boolean isReachable(
                Object bean, Path.Node property, Class<?> rootBeanType, Path pathToProperty, ElementType elementType) {
            return true;
        }

        @Override
        public boolean isCascadable(
                Object bean, Path.Node property, Class<?> rootBeanType, Path pathToProperty, ElementType elementType) {
            return true;
        }
    }

    /**
     * Checks every constraint of {@code object}.
     *
     * @return {@code object}, when it is valid
     * @throws InvalidMessage for the first wrong field in declaration order
     */
    public static <T> T check(T object) {
        Set<ConstraintViolation<T>> violations = validator().validate(object);
        if (!violations.isEmpty()) {
            List<String> order = fieldOrder(object.getClass());
            throw first(violations, Constraints::propertyName, v -> {
                int index = order.indexOf(propertyName(v));
                return index < 0 ? Integer.MAX_VALUE : index;
            });
        }
        return object;
    }

    /**
     * The rule that {@code value} breaks as the {@code property} of {@code type} (its constraint's message, such as
     * {@code must be between 1 and 200}), or empty when the property has no constraint it breaks.
     */
    public static Optional<String> rule(Class<?> type, String property, Object value) {
        return validator().validateValue(type, property, value).stream()
                .map(ConstraintViolation::getMessage)
                .sorted()
                .findFirst();
    }

    /**
     * The error for one of {@code violations}: the lowest {@code rank} first; at equal rank a missing field, then a
     * refused character ({@link PlainText}: a string of control characters is also blank, but the character is the
     * better answer), then by message, so the same input always gets the same error.
     *
     * @param field the name the client knows the violated field by
     */
    public static InvalidMessage first(
            Collection<? extends ConstraintViolation<?>> violations,
            Function<ConstraintViolation<?>, String> field,
            ToIntFunction<ConstraintViolation<?>> rank) {
        ConstraintViolation<?> first = violations.stream()
                .map(v -> (ConstraintViolation<?>) v)
                .min(Comparator.<ConstraintViolation<?>>comparingInt(rank)
                        .thenComparing(v -> !isMissing(v))
                        .thenComparing(v -> !(v.getConstraintDescriptor().getAnnotation() instanceof PlainText))
                        .thenComparing(ConstraintViolation::getMessage))
                .orElseThrow();
        String name = field.apply(first);
        return isMissing(first) ? InvalidMessage.missing(name) : InvalidMessage.invalid(name, first.getMessage());
    }

    /** The first named node of the violation's path: the field of a message, even for an element of a list. */
    public static String propertyName(ConstraintViolation<?> violation) {
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getName() != null && !node.getName().isEmpty()) {
                return node.getName();
            }
        }
        return "?";
    }

    /** A required value that is absent; an absent element of a list is an invalid list instead. */
    private static boolean isMissing(ConstraintViolation<?> violation) {
        if (violation.getInvalidValue() != null) {
            return false;
        }
        ElementKind leaf = null;
        for (Path.Node node : violation.getPropertyPath()) {
            leaf = node.getKind();
        }
        return leaf != ElementKind.CONTAINER_ELEMENT;
    }

    private static List<String> fieldOrder(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        return components == null
                ? Arrays.stream(type.getDeclaredFields())
                        .map(java.lang.reflect.Field::getName)
                        .toList()
                : Arrays.stream(components).map(RecordComponent::getName).toList();
    }
}
