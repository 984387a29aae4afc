package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.chat.boundary.ChatCommand;
import io.switchboard.chat.control.ChatEvent;
import io.switchboard.notification.boundary.NotificationCommand;
import io.switchboard.notification.control.NotificationEvent;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.ErrorFrame;
import io.switchboard.protocol.Fields;
import io.switchboard.websocket.Protocol;
import io.switchboard.websocket.WelcomeFrame;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JavaScript clients against the server's Java sources of truth: the field rules the clients check before
 * sending ({@link Fields}), the subprotocol, the error codes, and every frame interface of the {@code .d.ts} files
 * (which the clients' JSDoc imports, and {@code tsc} checks in the build: src/test/js) against the record it is
 * encoded from or decoded into: same fields, compatible types, optional only where the server may leave it out.
 */
class ClientContractTest {

    private static final Path JS = Path.of("webapp/js");
    private static final Pattern INTERFACE = Pattern.compile("export interface (\\w+)[^{]*\\{([^}]*)}");
    private static final Pattern FIELD = Pattern.compile("^\\s*(\\w+)(\\?)?:\\s*(.+?);\\s*$", Pattern.MULTILINE);
    private static final Pattern TYPE_ALIAS = Pattern.compile("export type (\\w+) =([^;]+);");
    private static final Pattern STRINGS = Pattern.compile("\\s*('[^']*'|string)(\\s*\\|\\s*('[^']*'|string))*\\s*");

    private static final Map<String, Map<String, Field>> INTERFACES = new TreeMap<>();
    private static final Map<String, String> ALIASES = new TreeMap<>();

    static {
        for (String file : List.of("switchboard-client.d.ts", "notification-client.d.ts")) {
            String text = read(file).replaceAll("(?m)^\\s*(/\\*\\*|\\*|//).*$", "");
            Matcher m = INTERFACE.matcher(text);
            while (m.find()) {
                Map<String, Field> fields = new LinkedHashMap<>();
                Matcher f = FIELD.matcher(m.group(2).replaceAll("\\n\\s*\\|", " |"));
                while (f.find()) {
                    fields.put(
                            f.group(1), new Field(f.group(2) != null, f.group(3).replaceAll("\\s+", " ")));
                }
                INTERFACES.put(m.group(1), fields);
            }
            Matcher a = TYPE_ALIAS.matcher(text);
            while (a.find()) {
                ALIASES.put(a.group(1), a.group(2).replaceAll("\\s+", " ").trim());
            }
        }
    }

    record Field(boolean optional, String type) {}

    @Test
    void theClientsCheckNamesRoomsAndTextByTheServersRules() {
        String client = read("switchboard-client.js");
        assertEquals("^" + Fields.USER_NAME_REGEX + "$", jsRegex(client, "USER_NAME"), "user names");
        assertEquals("^" + Fields.ROOM_REGEX + "$", jsRegex(client, "ROOM_NAME"), "room names");
        assertEquals(
                Integer.toString(Fields.MAX_TEXT),
                jsConstant(client, "MAX_TEXT", "(\\d[\\d_]*)").replace("_", ""));
        assertTrue(
                read("notification-client.js").contains("export const TOPIC_NAME = ROOM_NAME;"),
                "topics follow the room rule, as Fields.RoomName on the topic components");
    }

    @Test
    void theClientsOfferTheSubprotocolTheEndpointsSpeak() {
        assertEquals(Protocol.V1, jsConstant(read("switchboard-client.js"), "PROTOCOL", "'([^']*)'"));
        assertTrue(read("switchboard-client.d.ts").contains("export declare const PROTOCOL: '" + Protocol.V1 + "';"));
    }

    @Test
    void theErrorFrameTypeListsEveryErrorCode() {
        Set<String> codes =
                Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(codes, literals(field("ErrorFrame", "code").type()), "ErrorFrame.code in switchboard-client.d.ts");
    }

    static Stream<Arguments> frames() {
        Stream.Builder<Arguments> frames = Stream.builder();
        frames.add(Arguments.of("welcome", WelcomeFrame.class, "Welcome", false));
        frames.add(Arguments.of("error", ErrorFrame.class, "ErrorFrame", false));
        for (Class<?> sealed :
                List.of(ChatEvent.class, ChatCommand.class, NotificationEvent.class, NotificationCommand.class)) {
            boolean command = sealed.getSimpleName().endsWith("Command");
            for (JsonbSubtype subtype :
                    sealed.getAnnotation(JsonbTypeInfo.class).value()) {
                frames.add(Arguments.of(
                        subtype.alias(), subtype.type(), typeScriptName(subtype.alias(), command), command));
            }
        }
        return frames.build();
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("frames")
    void everyFrameTypeOfTheClientsMatchesItsJavaRecord(String alias, Class<?> record, String tsName, boolean command) {
        Map<String, Field> ts = INTERFACES.get(tsName);
        Map<String, RecordComponent> java = new LinkedHashMap<>();
        for (RecordComponent component : record.getRecordComponents()) {
            java.put(component.getName(), component);
        }
        java.remove("type");
        Set<String> tsFields = new TreeSet<>(ts.keySet());
        tsFields.remove("type");
        assertEquals(new TreeSet<>(java.keySet()), tsFields, tsName + " has the fields of " + record.getName());
        assertTrue(literals(ts.get("type").type()).contains(alias), tsName + ".type names '" + alias + "'");
        for (RecordComponent component : java.values()) {
            Field field = ts.get(component.getName());
            String where = tsName + "." + component.getName() + " (" + record.getSimpleName() + ")";
            assertEquals(typeScript(component.getGenericType()), normalized(field.type()), where + ": type");
            if (command) {
                assertEquals(
                        !required(component),
                        field.optional(),
                        where + ": optional exactly where the server accepts it missing");
            } else if (component.getType().isPrimitive()) {
                assertTrue(!field.optional(), where + ": always sent");
            }
        }
    }

    /** The interface whose {@code type} is {@code alias}: commands are the interfaces named {@code ...Command}. */
    private static String typeScriptName(String alias, boolean command) {
        List<String> names = INTERFACES.entrySet().stream()
                .filter(e -> e.getKey().endsWith("Command") == command)
                .filter(e -> e.getValue().containsKey("type")
                        && literals(e.getValue().get("type").type()).contains(alias))
                .map(Map.Entry::getKey)
                .toList();
        if (names.size() != 1) {
            fail("one " + (command ? "command" : "frame") + " interface with type '" + alias + "' in the .d.ts files: "
                    + names);
        }
        return names.get(0);
    }

    /** The TypeScript type the JSON of a record component has (JSON-B: numbers, strings, ISO instants, arrays). */
    private static String typeScript(Type type) {
        if (type instanceof ParameterizedType list && list.getRawType() == List.class) {
            return typeScript(list.getActualTypeArguments()[0]) + "[]";
        }
        Class<?> c = (Class<?>) type;
        if (c == long.class || c == int.class || c == Long.class || c == Integer.class) {
            return "number";
        }
        if (c == boolean.class || c == Boolean.class) {
            return "boolean";
        }
        if (c == String.class || c == Instant.class) {
            return "string";
        }
        if (c.isRecord()) {
            return c.getSimpleName();
        }
        throw new AssertionError("no TypeScript mapping for " + c);
    }

    /** A union of string literals, or an alias of one (Severity), is a string on the wire. */
    private static String normalized(String tsType) {
        String resolved = ALIASES.getOrDefault(tsType, tsType);
        return STRINGS.matcher(resolved).matches() ? "string" : resolved;
    }

    private static Set<String> literals(String tsType) {
        Set<String> literals = new HashSet<>();
        Matcher m = Pattern.compile("'([^']*)'").matcher(tsType);
        while (m.find()) {
            literals.add(m.group(1));
        }
        return literals;
    }

    /** Whether decoding refuses the message without this component: {@code @NotNull}, directly or composed. */
    private static boolean required(RecordComponent component) {
        return component.getType().isPrimitive()
                || Stream.of(
                                component.getAccessor().getAnnotations(),
                                component.getAnnotatedType().getAnnotations())
                        .flatMap(Arrays::stream)
                        .anyMatch(a -> requires(a, new HashSet<>()));
    }

    private static boolean requires(Annotation annotation, Set<Class<?>> seen) {
        Class<? extends Annotation> type = annotation.annotationType();
        if (type == NotNull.class || type == NotBlank.class) {
            return true;
        }
        return seen.add(type) && Arrays.stream(type.getAnnotations()).anyMatch(a -> requires(a, seen));
    }

    private static Field field(String tsInterface, String name) {
        return INTERFACES.get(tsInterface).get(name);
    }

    private static String jsRegex(String source, String name) {
        return jsConstant(source, name, "/(.+)/u?");
    }

    private static String jsConstant(String source, String name, String valuePattern) {
        Matcher m = Pattern.compile("export const " + name + " = " + valuePattern + ";")
                .matcher(source);
        assertTrue(m.find(), "export const " + name + " in the client");
        return m.group(1);
    }

    private static String read(String file) {
        try {
            return Files.readString(JS.resolve(file));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + JS.resolve(file) + " (tests run from the project directory)", e);
        }
    }
}
