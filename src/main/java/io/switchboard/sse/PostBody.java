package io.switchboard.sse;

import java.util.ArrayList;
import java.util.List;

/**
 * The frames of a POST body: one JSON frame, or a JSON array of frames (handled in order). Each element's text is
 * handed on exactly as it was posted, so it is decoded and checked as a WebSocket message would be: a bad element gets
 * its own {@code error} event and the others are still handled. A body that starts as an array but is not one (not
 * closed, text after it) is one frame, which the decoder refuses as malformed JSON.
 */
final class PostBody {

    /** The most frames one POST may carry. */
    static final int MAX_FRAMES = 32;

    /** More than {@link #MAX_FRAMES} frames in one body: nothing of it is handled. */
    static final class TooManyFrames extends Exception {
        TooManyFrames() {
            super("a POST may carry at most " + MAX_FRAMES + " frames; none of these was handled");
        }
    }

    private PostBody() {}

    static List<String> frames(String body) throws TooManyFrames {
        int start = skipSpace(body, 0);
        if (start == body.length() || body.charAt(start) != '[') {
            return List.of(body);
        }
        List<String> frames = new ArrayList<>();
        int depth = 0;
        boolean inString = false;
        int element = start + 1;
        for (int i = start + 1; i < body.length(); i++) {
            char c = body.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> inString = true;
                case '{', '[' -> depth++;
                case '}' -> depth--;
                case ']' -> {
                    if (depth-- == 0) {
                        if (skipSpace(body, i + 1) != body.length()) {
                            return List.of(body); // text after the array
                        }
                        String last = body.substring(element, i).strip();
                        if (!last.isEmpty() || !frames.isEmpty()) {
                            frames.add(last); // "[]" has none; "[a,]" has an empty last one, refused
                        }
                        if (frames.size() > MAX_FRAMES) {
                            throw new TooManyFrames();
                        }
                        return frames;
                    }
                }
                case ',' -> {
                    if (depth == 0) {
                        frames.add(body.substring(element, i).strip());
                        element = i + 1;
                        if (frames.size() > MAX_FRAMES) {
                            throw new TooManyFrames();
                        }
                    }
                }
                default -> {
                    // part of an element
                }
            }
        }
        return List.of(body); // the array is not closed
    }

    private static int skipSpace(String s, int from) {
        int i = from;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
