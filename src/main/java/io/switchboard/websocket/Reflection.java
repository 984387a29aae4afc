package io.switchboard.websocket;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.AccessibleObject;

/** Reaching into a container's objects where it offers no API: declared members of a class or its superclasses. */
final class Reflection {

    private Reflection() {}

    /** The value of a declared field of {@code target}'s class or a superclass. */
    /**
     * The {@link VarHandle} of field {@code name} of the class {@code lookup} was made in (a class's own
     * {@code MethodHandles.lookup()}, so private fields are reached), for a static initializer.
     */
    static VarHandle varHandle(MethodHandles.Lookup lookup, String name, Class<?> type) {
        try {
            return lookup.findVarHandle(lookup.lookupClass(), name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static Object field(Object target, String name) throws ReflectiveOperationException {
        return declared(target, name, type -> type.getDeclaredField(name)).get(target);
    }

    /** Sets a declared (possibly final) field of {@code target}'s class or a superclass. */
    static void set(Object target, String name, Object value) throws ReflectiveOperationException {
        declared(target, name, type -> type.getDeclaredField(name)).set(target, value);
    }

    /** Whether {@code target}'s class or a superclass declares a field {@code name}. */
    static boolean has(Object target, String name) {
        try {
            declared(target, name, type -> type.getDeclaredField(name));
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** Calls a declared method without parameters of {@code target}'s class or a superclass. */
    static Object call(Object target, String name) throws ReflectiveOperationException {
        return declared(target, name, type -> type.getDeclaredMethod(name)).invoke(target);
    }

    /** What to look up once per class. */
    interface Handles {
        MethodHandle[] of(Class<?> type) throws ReflectiveOperationException;
    }

    /** Method handles looked up once per class, the first time an object of that class needs them. */
    static ClassValue<MethodHandle[]> perClass(Handles handles) {
        return new ClassValue<>() {
            @Override
            protected MethodHandle[] computeValue(Class<?> type) {
                try {
                    return handles.of(type);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot reach " + type.getName() + ": " + e, e);
                }
            }
        };
    }

    private interface Lookup<T extends AccessibleObject> {
        T in(Class<?> type) throws NoSuchFieldException, NoSuchMethodException;
    }

    private static <T extends AccessibleObject> T declared(Object target, String name, Lookup<T> lookup)
            throws ReflectiveOperationException {
        if (target == null) {
            throw new ReflectiveOperationException("nothing to find '" + name + "' in");
        }
        for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
            try {
                T member = lookup.in(type);
                member.setAccessible(true);
                return member;
            } catch (NoSuchFieldException | NoSuchMethodException e) {
                // look in the superclass
            }
        }
        throw new ReflectiveOperationException(
                "no member '" + name + "' in " + target.getClass().getName());
    }
}
