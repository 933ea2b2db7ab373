package io.newspush.topic;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicValidationTest {

    private static final String INVALID_TOPIC = "invalid_topic";
    private static final String INVALID_PATTERN = "invalid_pattern";

    /** Parses {@code input} as a topic or a pattern, whichever {@code code} is about. */
    private static Function<String, Object> parser(String code) {
        return INVALID_TOPIC.equals(code) ? Topic::parse : Pattern::parse;
    }

    static Stream<Arguments> invalidInput() {
        return Stream.of(
                Arguments.of("missing topic", null, INVALID_TOPIC),
                Arguments.of("empty topic", "", INVALID_TOPIC),
                Arguments.of("leading slash", "/economy", INVALID_TOPIC),
                Arguments.of("trailing slash", "economy/", INVALID_TOPIC),
                Arguments.of("slash alone", "/", INVALID_TOPIC),
                Arguments.of("empty middle segment", "a//b", INVALID_TOPIC),
                Arguments.of("9 segments", "a/b/c/d/e/f/g/h/i", INVALID_TOPIC),
                Arguments.of("65-character segment", "x/" + "a".repeat(65), INVALID_TOPIC),
                Arguments.of("space", "economy/world trade", INVALID_TOPIC),
                Arguments.of("'#'", "economy/#", INVALID_TOPIC),
                Arguments.of("'+'", "economy/+", INVALID_TOPIC),
                Arguments.of("newline", "economy\n", INVALID_TOPIC),
                Arguments.of("emoji", "news/\uD83D\uDE00", INVALID_TOPIC),
                Arguments.of("lone surrogate", "news/\uD800", INVALID_TOPIC),
                Arguments.of("'*' in a topic", "economy/*", INVALID_TOPIC),
                Arguments.of("'**' in a topic", "**", INVALID_TOPIC),
                Arguments.of("huge input", "a".repeat(100_000), INVALID_TOPIC),
                Arguments.of("missing pattern", null, INVALID_PATTERN),
                Arguments.of("empty pattern", "", INVALID_PATTERN),
                Arguments.of("leading slash", "/*", INVALID_PATTERN),
                Arguments.of("trailing slash", "economy/*/", INVALID_PATTERN),
                Arguments.of("empty middle segment", "a//**", INVALID_PATTERN),
                Arguments.of("9 segments", "*/*/*/*/*/*/*/*/*", INVALID_PATTERN),
                Arguments.of("9 segments before '**'", "a/b/c/d/e/f/g/h/i/**", INVALID_PATTERN),
                Arguments.of("65-character segment", "*/" + "a".repeat(65), INVALID_PATTERN),
                Arguments.of("space", "economy/world trade", INVALID_PATTERN),
                Arguments.of("'#'", "#", INVALID_PATTERN),
                Arguments.of("'+'", "economy/+", INVALID_PATTERN),
                Arguments.of("'**' in the middle", "economy/**/asia", INVALID_PATTERN),
                Arguments.of("'**' first of two", "**/asia", INVALID_PATTERN),
                Arguments.of("'**' twice", "**/**", INVALID_PATTERN),
                Arguments.of("'*' with a letter after", "a*", INVALID_PATTERN),
                Arguments.of("'*' with a letter before", "*a", INVALID_PATTERN),
                Arguments.of("'**' with a letter after", "**b", INVALID_PATTERN),
                Arguments.of("three stars", "***", INVALID_PATTERN),
                Arguments.of("huge input", "*/".repeat(50_000), INVALID_PATTERN));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("invalidInput")
    void rejectsInvalidInputWithItsCode(String description, String input, String code) {
        InvalidTopicException thrown = assertThrows(InvalidTopicException.class, () -> parser(code).apply(input),
                () -> description + " should be rejected");
        assertEquals(code, thrown.code(), () -> "code for " + description + ", message: " + thrown.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "economy",
        "economy/industry",
        "a/b/c/d/e/f/g/h",
        "a.b-c_d",
        "2024/q1",
        "义乌/产业",
        "हिन्दी/समाचार",
        "ข่าว/ภาษาไทย",
        "Économie/Ελλάδα/россия",
        "٢٠٢٤/news",
        ".",
    })
    void acceptsValidTopics(String raw) {
        Topic topic = Topic.parse(raw);
        assertAll(raw,
                () -> assertEquals(raw, topic.path()),
                () -> assertEquals(List.of(raw.split("/")), topic.segments()),
                () -> assertEquals(raw, topic.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"**", "*", "*/**", "a/*/b", "a/b/c/d/e/f/g/h/**", "*/*/*/*/*/*/*/*", "义乌/**"})
    void acceptsValidPatterns(String raw) {
        Pattern pattern = Pattern.parse(raw);
        assertAll(raw,
                () -> assertEquals(raw, pattern.text()),
                () -> assertEquals(List.of(raw.split("/")), pattern.segments()),
                () -> assertEquals(raw, pattern.toString()));
    }

    @Test
    void countsSegmentLengthInCodePoints() {
        String cjk = "义".repeat(64);
        String supplementary = "\uD840\uDC00".repeat(64); // U+20000, a CJK letter outside the BMP
        assertAll(
                () -> assertEquals(cjk, Topic.parse(cjk).path()),
                () -> assertEquals(supplementary, Topic.parse(supplementary).path(),
                        "64 supplementary letters take 128 UTF-16 chars but are 64 characters"),
                () -> assertThrows(InvalidTopicException.class, () -> Topic.parse(cjk + "义")),
                () -> assertThrows(InvalidTopicException.class, () -> Topic.parse(supplementary + "\uD840\uDC00")));
    }

    @Test
    void normalisesToNfc() {
        Topic decomposed = Topic.parse("cafe\u0301/menu");
        assertEquals("caf\u00e9/menu", decomposed.path());
        assertEquals(Topic.parse("caf\u00e9/menu"), decomposed, "both spellings should give equal topics");
        assertEquals("caf\u00e9/**", Pattern.parse("cafe\u0301/**").text());
    }

    @Test
    void keepsCase() {
        assertFalse(Topic.parse("Economy").equals(Topic.parse("economy")));
    }

    @Test
    void segmentsCannotBeModified() {
        List<String> segments = Topic.parse("a/b").segments();
        assertThrows(UnsupportedOperationException.class, () -> segments.add("c"));
    }

    @Test
    void messageNamesTheFaultySegment() {
        InvalidTopicException thrown = assertThrows(InvalidTopicException.class, () -> Topic.parse("a//b"));
        assertEquals("segment 2 of topic 'a//b' is empty", thrown.getMessage());
    }

    @Test
    void messageNamesTheFaultyCharacter() {
        InvalidTopicException thrown = assertThrows(InvalidTopicException.class, () -> Pattern.parse("news/a#b"));
        assertEquals("segment 2 of pattern 'news/a#b' contains '#' (U+0023), which is not a letter, digit,"
                + " '-', '_' or '.'", thrown.getMessage());
    }

    @Test
    void messageQuotesHugeInputOnlyInPart() {
        InvalidTopicException thrown =
                assertThrows(InvalidTopicException.class, () -> Topic.parse("news/" + "a".repeat(1_000)));
        String message = thrown.getMessage();
        assertTrue(message.length() < 250, () -> "message should be short, was " + message.length() + " chars");
        assertTrue(message.contains("..."), () -> "message should show the input was cut: " + message);
    }

    @Test
    void messageEscapesControlCharacters() {
        InvalidTopicException thrown =
                assertThrows(InvalidTopicException.class, () -> Topic.parse("news\nFAKE LOG LINE"));
        assertFalse(thrown.getMessage().contains("\n"), () -> "message should not contain a raw newline: "
                + thrown.getMessage());
    }

    @Test
    void constructorsRejectWhatParseWould() {
        assertAll(
                () -> assertThrows(InvalidTopicException.class, () -> new Topic("a/b", List.of("a", "c"))),
                () -> assertThrows(InvalidTopicException.class, () -> new Topic("a b", List.of("a b"))),
                () -> assertThrows(InvalidTopicException.class, () -> new Topic("", List.of())),
                () -> assertThrows(InvalidTopicException.class, () -> new Topic("cafe\u0301", List.of("cafe\u0301"))),
                () -> assertThrows(InvalidTopicException.class, () -> new Pattern("**/a", List.of("**", "a"))),
                () -> assertThrows(InvalidTopicException.class, () -> new Pattern("a/**", List.of("a/**"))));
    }
}
