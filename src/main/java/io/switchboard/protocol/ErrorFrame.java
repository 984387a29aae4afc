package io.switchboard.protocol;

/**
 * The frame a client gets when one of its messages is refused:
 * {@code {"type":"error","code":"unknown_type","message":"...","ref":"c-17"}}.
 */
public record ErrorFrame(String type, String code, String message, String ref) {

    public static ErrorFrame of(InvalidMessage e) {
        return new ErrorFrame("error", e.code().wire(), e.getMessage(), e.ref());
    }
}
