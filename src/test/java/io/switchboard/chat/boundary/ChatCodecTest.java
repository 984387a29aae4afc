package io.switchboard.chat.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.websocket.ErrorCode;
import io.switchboard.websocket.InvalidMessage;
import jakarta.websocket.DecodeException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatCodecTest {

    @Test
    void decodesEachCommandIntoItsRecord() {
        assertEquals(new ChatCommand.Join("lobby"), ChatCodec.COMMANDS.decode("{\"type\":\"join\",\"room\":\"lobby\"}"));
        assertEquals(new ChatCommand.Post("lobby", "hi", "c-1"),
                ChatCodec.COMMANDS.decode("{\"type\":\"post\",\"room\":\"lobby\",\"text\":\"hi\",\"clientId\":\"c-1\"}"));
        assertEquals(new ChatCommand.Typing("lobby", true),
                ChatCodec.COMMANDS.decode("{\"type\":\"typing\",\"room\":\"lobby\",\"active\":true}"));
        assertEquals(new ChatCommand.History("lobby", 12L, 5),
                ChatCodec.COMMANDS.decode("{\"type\":\"history\",\"room\":\"lobby\",\"before\":12,\"limit\":5}"));
    }

    @Test
    void encodesEventsWithTheirTypeDiscriminator() {
        String json = ChatCodec.encode(new ChatEvent.Message(7, "lobby", "alice", "hi", Instant.parse("2026-01-02T03:04:05Z"), "c-1"));
        assertTrue(json.contains("\"type\":\"message\""), json);
        assertTrue(json.contains("\"ts\":\"2026-01-02T03:04:05Z\""), json);
        String joined = ChatCodec.encode(new ChatEvent.Joined("lobby", List.of(), List.of("alice")));
        assertTrue(joined.contains("\"type\":\"joined\"") && joined.contains("\"members\":[\"alice\"]"), joined);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{oops|MALFORMED_JSON|",
            "\"a string\"|MALFORMED_JSON|",
            "{}|MISSING_FIELD|type",
            "{\"type\":\"fly\"}|UNKNOWN_TYPE|fly",
            "{\"type\":\"join\"}|MISSING_FIELD|room",
            "{\"type\":\"join\",\"room\":7}|INVALID_FIELD|room",
            "{\"type\":\"join\",\"room\":\"-starts-with-dash\"}|INVALID_FIELD|room",
            "{\"type\":\"typing\",\"room\":\"r\",\"active\":\"yes\"}|INVALID_FIELD|active",
            "{\"type\":\"post\",\"room\":\"r\",\"text\":\"  \",\"clientId\":\"c\"}|INVALID_FIELD|text",
            "{\"type\":\"post\",\"room\":\"r\",\"text\":\"hi\"}|MISSING_FIELD|clientId",
            "{\"type\":\"direct\",\"to\":\"bad name!\",\"text\":\"hi\",\"clientId\":\"c\"}|INVALID_FIELD|to",
            "{\"type\":\"history\",\"room\":\"r\",\"limit\":1000}|INVALID_FIELD|limit",
    })
    void refusesBadInputNamingWhatIsWrong(String input, ErrorCode code, String mentioned) {
        InvalidMessage e = assertThrows(InvalidMessage.class, () -> ChatCodec.COMMANDS.decode(input));
        assertEquals(code, e.code(), e.getMessage());
        if (mentioned != null) {
            assertTrue(e.getMessage().contains(mentioned), e.getMessage());
        }
    }

    @Test
    void aRefusedMessageNamesItsClientIdSoTheClientKnowsWhichOneFailed() {
        InvalidMessage e = assertThrows(InvalidMessage.class, () -> ChatCodec.COMMANDS.decode(
                "{\"type\":\"post\",\"room\":\"r\",\"text\":\"\",\"clientId\":\"c-9\"}"));
        assertEquals("c-9", e.ref());
    }

    @Test
    void textLongerThanTheLimitIsRefused() {
        String text = "x".repeat(Fields.MAX_TEXT + 1);
        InvalidMessage e = assertThrows(InvalidMessage.class, () -> ChatCodec.COMMANDS.decode(
                "{\"type\":\"post\",\"room\":\"r\",\"text\":\"" + text + "\",\"clientId\":\"c\"}"));
        assertEquals(ErrorCode.INVALID_FIELD, e.code());
    }

    @Test
    void theWebSocketDecoderCarriesTheReasonInADecodeException() {
        DecodeException e = assertThrows(DecodeException.class, () -> new ChatCodec.Decoder().decode("{\"type\":\"nope\"}"));
        assertEquals(ErrorCode.UNKNOWN_TYPE, ((InvalidMessage) e.getCause()).code());
        assertTrue(new ChatCodec.Decoder().willDecode("anything"), "willDecode lets bad input reach decode for a precise error");
    }
}
