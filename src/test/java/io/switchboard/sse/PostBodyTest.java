package io.switchboard.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PostBodyTest {

    @Test
    void aSingleFrameIsOneFrameAsPosted() throws Exception {
        String frame = " {\"type\":\"join\",\"room\":\"r\"}\n";
        assertEquals(List.of(frame), PostBody.frames(frame));
    }

    @Test
    void anArrayIsItsElementsInOrderEachExactlyAsPosted() throws Exception {
        String body = "[ {\"type\":\"join\",\"room\":\"a,]\\\"[\"} ,\n{\"type\":\"post\",\"x\":[1,{\"y\":2}]}]";
        assertEquals(
                List.of("{\"type\":\"join\",\"room\":\"a,]\\\"[\"}", "{\"type\":\"post\",\"x\":[1,{\"y\":2}]}"),
                PostBody.frames(body));
    }

    @Test
    void anEmptyArrayHasNoFramesAndAnEmptyElementIsAFrameTheDecoderRefuses() throws Exception {
        assertEquals(List.of(), PostBody.frames(" [ ] "));
        assertEquals(List.of("{}", "", "1"), PostBody.frames("[{},,1]"));
        assertEquals(List.of("{}", ""), PostBody.frames("[{},]"));
    }

    @Test
    void aBodyThatIsNotAWholeArrayIsOneFrameWhichTheDecoderRefuses() throws Exception {
        assertEquals(List.of("[{\"type\":\"join\"}"), PostBody.frames("[{\"type\":\"join\"}"));
        assertEquals(List.of("[{}] {}"), PostBody.frames("[{}] {}"));
        assertEquals(List.of(""), PostBody.frames(""));
    }

    @Test
    void moreThanTheLimitOfFramesIsRefusedAsAWhole() throws Exception {
        String atLimit =
                IntStream.range(0, PostBody.MAX_FRAMES).mapToObj(i -> "{}").collect(Collectors.joining(",", "[", "]"));
        assertEquals(PostBody.MAX_FRAMES, PostBody.frames(atLimit).size());
        String over = IntStream.range(0, PostBody.MAX_FRAMES + 1)
                .mapToObj(i -> "{}")
                .collect(Collectors.joining(",", "[", "]"));
        assertThrows(PostBody.TooManyFrames.class, () -> PostBody.frames(over));
    }
}
