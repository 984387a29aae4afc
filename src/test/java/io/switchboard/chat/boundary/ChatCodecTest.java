package io.switchboard.chat.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.chat.control.ChatEvent;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.Fields;
import io.switchboard.protocol.InvalidMessage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChatCodecTest {

    @Test
    void decodesEachCommandIntoItsRecord() {
        assertEquals(
                new ChatCommand.Join("lobby", null),
                ChatCodec.COMMANDS.decode("{\"type\":\"join\",\"room\":\"lobby\"}"));
        assertEquals(
                new ChatCommand.Join("lobby", 41L),
                ChatCodec.COMMANDS.decode("{\"type\":\"join\",\"room\":\"lobby\",\"since\":41}"));
        assertEquals(
                new ChatCommand.Post("lobby", "hi", "c-1"),
                ChatCodec.COMMANDS.decode(
                        "{\"type\":\"post\",\"room\":\"lobby\",\"text\":\"hi\",\"clientId\":\"c-1\"}"));
        assertEquals(
                new ChatCommand.Typing("lobby", true),
                ChatCodec.COMMANDS.decode("{\"type\":\"typing\",\"room\":\"lobby\",\"active\":true}"));
        assertEquals(
                new ChatCommand.History("lobby", 12L, 5),
                ChatCodec.COMMANDS.decode("{\"type\":\"history\",\"room\":\"lobby\",\"before\":12,\"limit\":5}"));
        assertEquals(
                new ChatCommand.Members("lobby", "bob", 50),
                ChatCodec.COMMANDS.decode("{\"type\":\"members\",\"room\":\"lobby\",\"after\":\"bob\",\"limit\":50}"));
        assertEquals(
                new ChatCommand.Members("lobby", null, null),
                ChatCodec.COMMANDS.decode("{\"type\":\"members\",\"room\":\"lobby\"}"));
    }

    @Test
    void encodesEventsWithTheirTypeDiscriminator() {
        String json = ChatCodec.encode(
                new ChatEvent.Message(7, 3, "lobby", "alice", "hi", Instant.parse("2026-01-02T03:04:05Z"), "c-1"));
        assertTrue(json.contains("\"type\":\"message\""), json);
        assertTrue(json.contains("\"seq\":3"), json);
        assertTrue(json.contains("\"ts\":\"2026-01-02T03:04:05Z\""), json);
        String joined = ChatCodec.encode(new ChatEvent.Joined("lobby", List.of(), List.of("alice")));
        assertTrue(joined.contains("\"type\":\"joined\"") && joined.contains("\"members\":[\"alice\"]"), joined);
        assertTrue(
                joined.contains("\"count\":1") && !joined.contains("next"), "a complete list has no cursor: " + joined);
        String occupancy = ChatCodec.encode(new ChatEvent.Occupancy("lobby", 10_000, List.of("ann"), List.of(), true));
        assertEquals(
                "{\"type\":\"occupancy\",\"count\":10000,\"joined\":[\"ann\"],\"left\":[],\"room\":\"lobby\",\"truncated\":true}",
                occupancy);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "{oops|MALFORMED_JSON|",
                "\"a string\"|MALFORMED_JSON|",
                "{}|MISSING_FIELD|type",
                "{\"type\":\"fly\"}|UNKNOWN_TYPE|fly",
                "{\"type\":\"join\"}|MISSING_FIELD|room",
                "{\"type\":\"join\",\"room\":7}|INVALID_FIELD|room",
                "{\"type\":\"join\",\"room\":\"-starts-with-dash\"}|INVALID_FIELD|room",
                "{\"type\":\"join\",\"room\":\"r\",\"since\":-1}|INVALID_FIELD|field 'since' must be 0 or more",
                "{\"type\":\"join\",\"room\":\"r\",\"since\":\"7\"}|INVALID_FIELD|since",
                "{\"type\":\"typing\",\"room\":\"r\",\"active\":\"yes\"}|INVALID_FIELD|active",
                "{\"type\":\"post\",\"room\":\"r\",\"text\":\"  \",\"clientId\":\"c\"}|INVALID_FIELD|text",
                "{\"type\":\"post\",\"room\":\"r\",\"text\":\"hi\"}|MISSING_FIELD|clientId",
                "{\"type\":\"direct\",\"to\":\"bad name!\",\"text\":\"hi\",\"clientId\":\"c\"}|INVALID_FIELD|to",
                "{\"type\":\"history\",\"room\":\"r\",\"limit\":1000}|INVALID_FIELD|limit",
                "{\"type\":\"ping\",\"ref\":\"tg\"} x|MALFORMED_JSON|after the JSON object",
                "{\"type\":\"ping\"}{\"type\":\"ping\"}|MALFORMED_JSON|after the JSON object",
                "{\"type\":\"history\",\"room\":\"r\",\"limit\":1.5}|INVALID_FIELD|field 'limit' must be a whole number and must be between 1 and 200",
                "{\"type\":\"history\",\"room\":\"r\",\"limit\":1e400}|INVALID_FIELD|field 'limit' must be a whole number and must be between 1 and 200",
                "{\"type\":\"history\",\"room\":\"r\",\"before\":1e400}|INVALID_FIELD|field 'before' must be a whole number",
                "{\"type\":\"history\",\"room\":\"r\",\"before\":-2.5}|INVALID_FIELD|field 'before' must be a whole number",
                "{\"type\":\"join\",\"room\":\"r\",\"since\":1.5}|INVALID_FIELD|field 'since' must be a whole number and must be 0 or more",
                "{\"type\":\"join\",\"room\":\"r\",\"since\":1e400}|INVALID_FIELD|field 'since' must be a whole number and must be 0 or more",
            })
    void refusesBadInputNamingWhatIsWrong(String input, ErrorCode code, String mentioned) {
        InvalidMessage e = assertThrows(InvalidMessage.class, () -> ChatCodec.COMMANDS.decode(input));
        assertEquals(code, e.code(), e.getMessage());
        if (mentioned != null) {
            assertTrue(e.getMessage().contains(mentioned), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[", "{\"a\":", "{\"type\":\"ping\",\"ref\":"})
    void deeplyNestedJsonIsMalformedNotAServerError(String opening) {
        for (int depth : new int[] {io.switchboard.protocol.JsonRecords.MAX_DEPTH + 1, 1_000, 100_000}) {
            String input = opening.repeat(depth) + "1" + (opening.startsWith("[") ? "]" : "}").repeat(depth);
            InvalidMessage e = assertThrows(InvalidMessage.class, () -> ChatCodec.COMMANDS.decode(input));
            assertEquals(ErrorCode.MALFORMED_JSON, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("nested deeper than"), e.getMessage());
        }
    }

    @Test
    void nestingWithinTheLimitAndBracesInsideStringsAreFine() {
        String text = "{[\\\"}]]]]" + "{".repeat(40);
        assertEquals(
                new ChatCommand.Ping(text),
                ChatCodec.COMMANDS.decode("{\"type\":\"ping\",\"ref\":\""
                        + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}  \n"));
    }

    @Test
    void aRefusedMessageNamesItsClientIdSoTheClientKnowsWhichOneFailed() {
        InvalidMessage e = assertThrows(
                InvalidMessage.class,
                () -> ChatCodec.COMMANDS.decode(
                        "{\"type\":\"post\",\"room\":\"r\",\"text\":\"\",\"clientId\":\"c-9\"}"));
        assertEquals("c-9", e.ref());
    }

    @Test
    void textLongerThanTheLimitIsRefused() {
        String text = "x".repeat(Fields.MAX_TEXT + 1);
        InvalidMessage e = assertThrows(
                InvalidMessage.class,
                () -> ChatCodec.COMMANDS.decode(
                        "{\"type\":\"post\",\"room\":\"r\",\"text\":\"" + text + "\",\"clientId\":\"c\"}"));
        assertEquals(ErrorCode.INVALID_FIELD, e.code());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                // JSON escapes: a raw control character is not valid JSON, but an escaped one is
                "ring \\u0007 bell|must not contain control characters except tab, LF and CR: found U+0007 at character 6",
                "\\u0000|must not contain control characters except tab, LF and CR: found U+0000 at character 1",
                "esc \\u001b[31m red|must not contain control characters except tab, LF and CR: found U+001B at character 5",
                "vertical\\u000btab|must not contain control characters except tab, LF and CR: found U+000B at character 9",
                "del \u007f|must not contain control characters except tab, LF and CR: found U+007F at character 5",
                "next line \u0085|must not contain control characters except tab, LF and CR: found U+0085 at character 11",
                "csi \\u009b31m|must not contain control characters except tab, LF and CR: found U+009B at character 5",
                "a\u2028b|must not contain U+2028 or U+2029 (use LF for line breaks): found U+2028 at character 2",
                "a\\u2029b|must not contain U+2028 or U+2029 (use LF for line breaks): found U+2029 at character 2",
                "\ud83d\udc4b then \\u0007|must not contain control characters except tab, LF and CR: found U+0007 at character 8",
                "half an emoji \\ud83d|must be well-formed Unicode: unpaired surrogate U+D83D at character 15",
                "\\ude00 backwards \\ud83d|must be well-formed Unicode: unpaired surrogate U+DE00 at character 1",
            })
    void controlCharactersInChatTextAreRefusedNamingTheCharacterAndWhereItIs(String text, String rule) {
        for (String command : List.of(
                "{\"type\":\"post\",\"room\":\"lobby\",\"text\":\"" + text + "\",\"clientId\":\"c-7\"}",
                "{\"type\":\"direct\",\"to\":\"bob\",\"text\":\"" + text + "\",\"clientId\":\"c-7\"}")) {
            InvalidMessage e = assertThrows(InvalidMessage.class, () -> ChatCodec.COMMANDS.decode(command), command);
            assertEquals(ErrorCode.INVALID_FIELD, e.code());
            assertEquals("field 'text' " + rule, e.getMessage());
            assertEquals("c-7", e.ref());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "Hi \ud83d\udc4b\ud83c\udffd", // emoji with a skin tone
                "family \ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67", // joined by ZERO WIDTH JOINER
                "line one\nline two\r\nline three",
                "name:\tvalue",
                "\u05e9\u05dc\u05d5\u05dd and \u0645\u0631\u062d\u0628\u0627", // right-to-left scripts
                "caf\u00e9 \u2014 na\u00efve \u00a0 \u2603 <b>not markup</b> & \"quotes\"",
            })
    void emojiLineBreaksTabsAndEveryScriptAreAccepted(String text) {
        String json = jakarta.json.Json.createObjectBuilder()
                .add("type", "post")
                .add("room", "lobby")
                .add("text", text)
                .add("clientId", "c-8")
                .build()
                .toString();
        assertEquals(new ChatCommand.Post("lobby", text, "c-8"), ChatCodec.COMMANDS.decode(json));
        String direct = jakarta.json.Json.createObjectBuilder()
                .add("type", "direct")
                .add("to", "bob")
                .add("text", text)
                .add("clientId", "c-8")
                .build()
                .toString();
        assertEquals(new ChatCommand.Direct("bob", text, "c-8"), ChatCodec.COMMANDS.decode(direct));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "{\"type\":\"post\",\"room\":\"r\",\"text\":\"hi\"}|MISSING_FIELD|field 'clientId' is required",
                "{\"type\":\"post\",\"room\":\"r\",\"clientId\":\"c\"}|MISSING_FIELD|field 'text' is required",
                "{\"type\":\"post\",\"room\":\"r\",\"text\":null,\"clientId\":\"c\"}|MISSING_FIELD|field 'text' is required",
                "{\"type\":\"post\",\"room\":\"r\",\"text\":\" \\n \",\"clientId\":\"c\"}|INVALID_FIELD|field 'text' must not be blank",
                "{\"type\":\"post\",\"room\":\"r\",\"text\":\"hi\",\"clientId\":\"c 1\"}|INVALID_FIELD|field 'clientId' must be 1-64 letters, digits, '.', ':', '-' or '_'",
                "{\"type\":\"join\",\"room\":\"-x\"}|INVALID_FIELD|field 'room' must be 1-64 letters, digits, '.', '-' or '_' starting with a letter or digit",
                "{\"type\":\"join\"}|MISSING_FIELD|field 'room' is required",
                "{\"type\":\"typing\",\"room\":\"r\"}|MISSING_FIELD|field 'active' is required",
                "{\"type\":\"direct\",\"to\":\"bad name!\",\"text\":\"hi\",\"clientId\":\"c\"}|INVALID_FIELD|field 'to' must be 1-32 letters, digits, '.', '-' or '_'",
                "{\"type\":\"history\",\"room\":\"r\",\"limit\":0}|INVALID_FIELD|field 'limit' must be between 1 and 200",
                "{\"type\":\"members\"}|MISSING_FIELD|field 'room' is required",
                "{\"type\":\"members\",\"room\":\"r\",\"limit\":201}|INVALID_FIELD|field 'limit' must be between 1 and 200",
                "{\"type\":\"members\",\"room\":\"r\",\"after\":\"no spaces\"}|INVALID_FIELD|field 'after' must be 1-32 letters, digits, '.', '-' or '_'",
                "{\"type\":\"ping\",\"ref\":\"p\\u0007\"}|INVALID_FIELD|field 'ref' must be a single line without control characters: found U+0007 at character 2",
                // several fields wrong: the first in the record's order is named
                "{\"type\":\"post\",\"room\":\"-x\",\"text\":\"\\u0000\"}|INVALID_FIELD|field 'room' must be 1-64 letters, digits, '.', '-' or '_' starting with a letter or digit",
            })
    void eachRuleHasItsOwnPreciseError(String input, ErrorCode code, String message) {
        InvalidMessage e = assertThrows(InvalidMessage.class, () -> ChatCodec.COMMANDS.decode(input));
        assertEquals(code, e.code());
        assertEquals(message, e.getMessage());
    }

    @Test
    void textAtTheLimitIsAcceptedAndOneMoreCharacterIsNamedPrecisely() {
        String limit = "x".repeat(Fields.MAX_TEXT);
        assertEquals(
                limit,
                ((ChatCommand.Post) ChatCodec.COMMANDS.decode(
                                "{\"type\":\"post\",\"room\":\"r\",\"text\":\"" + limit + "\",\"clientId\":\"c\"}"))
                        .text());
        InvalidMessage e = assertThrows(
                InvalidMessage.class,
                () -> ChatCodec.COMMANDS.decode(
                        "{\"type\":\"post\",\"room\":\"r\",\"text\":\"" + limit + "y\",\"clientId\":\"c\"}"));
        assertEquals("field 'text' must be at most 4000 characters", e.getMessage());
    }
}
