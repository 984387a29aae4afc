package io.switchboard.notification.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.InvalidMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NotificationCodecTest {

    @Test
    void decodesEachCommandIntoItsRecord() {
        assertEquals(
                new NotificationCommand.Read(12L), NotificationCodec.COMMANDS.decode("{\"type\":\"read\",\"seq\":12}"));
        assertEquals(
                new NotificationCommand.Subscribe("deploys"),
                NotificationCodec.COMMANDS.decode("{\"type\":\"subscribe\",\"topic\":\"deploys\"}"));
        assertEquals(
                new NotificationCommand.Ping("p-\ud83d\udc4b"),
                NotificationCodec.COMMANDS.decode("{\"type\":\"ping\",\"ref\":\"p-\ud83d\udc4b\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "{\"type\":\"read\"}|MISSING_FIELD|field 'seq' is required",
                "{\"type\":\"read\",\"seq\":0}|INVALID_FIELD|field 'seq' must be a positive sequence number",
                "{\"type\":\"read\",\"seq\":2.5}|INVALID_FIELD|field 'seq' must be a whole number and must be a positive sequence number",
                "{\"type\":\"read\",\"seq\":\"7\"}|INVALID_FIELD|field 'seq' must be a number",
                "{\"type\":\"subscribe\",\"topic\":\"bad topic\"}|INVALID_FIELD|field 'topic' must be 1-64 letters, digits, '.', '-' or '_' starting with a letter or digit",
                "{\"type\":\"unsubscribe\",\"topic\":\"deploys\\u0000\"}|INVALID_FIELD|field 'topic' must be 1-64 letters, digits, '.', '-' or '_' starting with a letter or digit",
                "{\"type\":\"readAll\",\"ref\":\"r\\u001b\"}|INVALID_FIELD|field 'ref' must be a single line without control characters: found U+001B at character 2",
                "{\"type\":\"ping\",\"ref\":\"\\ud800\"}|INVALID_FIELD|field 'ref' must be well-formed Unicode: unpaired surrogate U+D800 at character 1",
            })
    void eachRuleHasItsOwnPreciseError(String input, ErrorCode code, String message) {
        InvalidMessage e = assertThrows(InvalidMessage.class, () -> NotificationCodec.COMMANDS.decode(input));
        assertEquals(code, e.code());
        assertEquals(message, e.getMessage());
    }

    @Test
    void aRefTooLongToEchoIsRefused() {
        InvalidMessage e = assertThrows(
                InvalidMessage.class,
                () -> NotificationCodec.COMMANDS.decode("{\"type\":\"ping\",\"ref\":\"" + "r".repeat(65) + "\"}"));
        assertEquals("field 'ref' must be at most 64 characters", e.getMessage());
    }
}
