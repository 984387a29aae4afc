package io.switchboard.rest;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.function.LongFunction;
import java.util.regex.Pattern;

/**
 * Whole-number query and path parameters ({@code limit}, {@code before}, {@code after}, {@code seq}): a value that is
 * not one ({@code limit=abc}, {@code before=1;DROP}) gets a 400 problem naming the parameter. Without this, JAX-RS
 * answers a query parameter it cannot convert with 404.
 */
@Provider
public class WholeNumberParams implements ParamConverterProvider {

    private static final Pattern WHOLE = Pattern.compile("-?[0-9]{1,19}");

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        String name = parameterName(annotations);
        if (name == null) {
            return null;
        }
        if (rawType == Integer.class || rawType == int.class) {
            return (ParamConverter<T>) new Converter<>(name, Integer.MIN_VALUE, Integer.MAX_VALUE, n -> (int) n);
        }
        if (rawType == Long.class || rawType == long.class) {
            return (ParamConverter<T>) new Converter<>(name, Long.MIN_VALUE, Long.MAX_VALUE, n -> n);
        }
        return null;
    }

    private static String parameterName(Annotation[] annotations) {
        for (Annotation annotation : annotations) {
            if (annotation instanceof QueryParam query) {
                return query.value();
            } else if (annotation instanceof PathParam path) {
                return path.value();
            }
        }
        return null;
    }

    private record Converter<T>(String name, long min, long max, LongFunction<T> box) implements ParamConverter<T> {
        @Override
        public T fromString(String value) {
            if (value == null) {
                return null;
            }
            if (WHOLE.matcher(value).matches()) {
                try {
                    long number = Long.parseLong(value);
                    if (number >= min && number <= max) {
                        return box.apply(number);
                    }
                } catch (NumberFormatException e) {
                    // beyond a long: refused below
                }
            }
            throw new BadRequestException(Problem.response(
                    Response.Status.BAD_REQUEST,
                    "parameter '" + name + "' must be a whole number from " + min + " to " + max,
                    name));
        }

        @Override
        public String toString(T value) {
            return String.valueOf(value);
        }
    }
}
