package io.switchboard.notification.control;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.InvalidMessage;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules of a notification to publish, checked by Hibernate Validator as the servers check them. */
class NotificationRequestTest {

    private static final NotificationRequest VALID =
            NotificationRequest.toUser("bob", "Deploy finished", "v2.3 is live");

    private static InvalidMessage refused(NotificationRequest request) {
        return assertThrows(InvalidMessage.class, request::validate);
    }

    private static NotificationRequest withTitle(String title) {
        return NotificationRequest.toUser("bob", title, null);
    }

    private static NotificationRequest withBody(String body) {
        return NotificationRequest.toUser("bob", "title", body);
    }

    @Test
    void aCompleteRequestIsAccepted() {
        assertDoesNotThrow(() -> VALID.withLink("https://ci.example.com/deploys/88?tab=log#end")
                .withCategory("deploys", "success")
                .expiringAt(Instant.now().plusSeconds(60))
                .validate());
        assertDoesNotThrow(() -> VALID.withLink("/deploys/88").validate());
    }

    @Test
    void controlCharactersAndLineBreaksInTheTitleAreRefusedNamingTheCharacter() {
        InvalidMessage e = refused(withTitle("Deploy\nfinished"));
        assertEquals(ErrorCode.INVALID_FIELD, e.code());
        assertEquals(
                "field 'title' must be a single line without control characters: found U+000A at character 7",
                e.getMessage());
        assertEquals(
                "field 'title' must be a single line without control characters: found U+0009 at character 1",
                refused(withTitle("\tindented")).getMessage());
        assertEquals(
                "field 'title' must be a single line without control characters: found U+2028 at character 2",
                refused(withTitle("a\u2028b")).getMessage());
        assertEquals(
                "field 'title' must be a single line without control characters: found U+009B at character 3",
                refused(withTitle("\ud83d\ude80 \u009b")).getMessage());
    }

    @Test
    void controlCharactersInTheBodyAreRefusedButLineBreaksAndTabsAreNot() {
        assertEquals(
                "field 'body' must not contain control characters except tab, LF and CR: found U+001B at character 5",
                refused(withBody("red \u001b[31m")).getMessage());
        assertEquals(
                "field 'body' must be well-formed Unicode: unpaired surrogate U+DC00 at character 1",
                refused(withBody("\udc00")).getMessage());
        assertDoesNotThrow(() -> withBody("line one\r\nline two\n\tindented \ud83d\ude80\ud83d\udc4d\ud83c\udffe")
                .validate());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "Deploy finished \ud83d\ude80",
                "\u05d4\u05e4\u05e6\u05d4 \u05d4\u05e1\u05ea\u05d9\u05d9\u05de\u05d4",
                "<script>alert(1)</script> is only text",
                "caf\u00e9 \u2014 \u00bd price",
            })
    void titlesInAnyScriptWithEmojiAreAccepted(String title) {
        assertDoesNotThrow(() -> withTitle(title).validate());
    }

    @Test
    void theTitleIsRequiredAndAtMost200Characters() {
        InvalidMessage missing = refused(withTitle(null));
        assertEquals(ErrorCode.MISSING_FIELD, missing.code());
        assertEquals("field 'title' is required", missing.getMessage());
        assertEquals(
                "field 'title' must be 1-200 characters",
                refused(withTitle(" ")).getMessage());
        assertEquals(
                "field 'title' must be 1-200 characters",
                refused(withTitle("x".repeat(201))).getMessage());
        assertDoesNotThrow(() -> withTitle("x".repeat(200)).validate());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
            strings = {
                "javascript:alert(1)",
                "data:text/html,hi",
                "//evil.example/x",
                "/\\evil.example",
                "/a path with spaces",
                "/bell\u0007",
                "https:///no-host",
                "ftp://example.com/file",
                ""
            })
    void linksABrowserShouldNotOpenAreRefused(String link) {
        InvalidMessage e = refused(VALID.withLink(link));
        assertEquals(ErrorCode.INVALID_FIELD, e.code());
        assertEquals("link", e.getMessage().substring(7, 11), e.getMessage());
    }

    @Test
    void exactlyOneAudienceIsReportedOnUser() {
        String rule = "field 'user' (the audience) must be exactly one of 'user', 'users', 'topic' or 'everyone'";
        assertEquals(
                rule,
                refused(new NotificationRequest(null, null, null, null, "t", null, null, null, null, null))
                        .getMessage());
        assertEquals(
                rule,
                refused(new NotificationRequest("bob", null, "deploys", null, "t", null, null, null, null, null))
                        .getMessage());
        assertDoesNotThrow(() -> NotificationRequest.toEveryone("t", null).validate());
    }

    @Test
    void everyListedUserMustBeAValidName() {
        assertEquals(
                "field 'users' must be 1-32 letters, digits, '.', '-' or '_'",
                refused(NotificationRequest.toUsers(List.of("ok", "not ok!"), "t", null))
                        .getMessage());
        assertEquals(
                "field 'users' must name 1 to 1000 users",
                refused(NotificationRequest.toUsers(List.of(), "t", null)).getMessage());
        InvalidMessage nullUser = refused(NotificationRequest.toUsers(Arrays.asList("ok", null), "t", null));
        assertEquals(ErrorCode.INVALID_FIELD, nullUser.code());
        assertEquals("field 'users' must not contain null", nullUser.getMessage());
    }

    @Test
    void categorySeverityAndExpiryHaveTheirRules() {
        assertEquals(
                "field 'category' must be 1-64 letters, digits, '.', '-' or '_'",
                refused(VALID.withCategory("a b", null)).getMessage());
        assertEquals(
                "field 'severity' must be one of [error, info, success, warning]",
                refused(VALID.withCategory(null, "apocalyptic")).getMessage());
        assertEquals(
                "field 'expiresAt' must be in the future",
                refused(VALID.expiringAt(Instant.parse("2001-01-01T00:00:00Z"))).getMessage());
    }
}
