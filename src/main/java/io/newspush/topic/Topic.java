package io.newspush.topic;

import io.newspush.topic.InvalidTopicException.Kind;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What an article is about: 1 to 8 segments joined by {@code /}, such as {@code economy/industry}
 * or {@code 义乌/产业}. A segment is 1 to 64 Unicode letters, combining marks, digits, {@code -},
 * {@code _} or {@code .}.
 *
 * <p>Topics compare exactly, code point for code point, so the path is kept in Unicode NFC:
 * otherwise "é" sent as one character and "é" sent as "e" plus a combining accent would be two
 * different topics.
 *
 * @param path the NFC-normalised text
 * @param segments the parts of {@code path} between slashes, unmodifiable
 */
public record Topic(String path, List<String> segments) {

    static final int MAX_SEGMENTS = 8;
    static final int MAX_SEGMENT_LENGTH = 64;

    /**
     * Longer input is rejected before normalising or splitting it, so that hostile input costs
     * next to nothing. The limit leaves room for the longest valid topic written entirely in
     * surrogate pairs, and again as much for decomposed characters that NFC will compose.
     */
    static final int MAX_INPUT_LENGTH = MAX_SEGMENTS * MAX_SEGMENT_LENGTH * 4;

    private static final String SEPARATOR = "/";

    /**
     * The canonical constructor is public, so it validates too: every {@code Topic} is
     * well-formed, whether it came from {@link #parse} or not.
     */
    public Topic {
        Objects.requireNonNull(path, "path");
        segments = List.copyOf(segments);
        requireConsistent(Kind.TOPIC, path, segments);
        if (segments.size() > MAX_SEGMENTS) {
            throw Kind.TOPIC.whole(path, "has " + segments.size() + " segments; at most "
                    + MAX_SEGMENTS + " are allowed");
        }
        for (int i = 0; i < segments.size(); i++) {
            requireValidLiteral(Kind.TOPIC, path, i, segments.get(i));
        }
    }

    /**
     * Reads a topic as clients and publishers write it.
     *
     * @throws InvalidTopicException with code {@code invalid_topic} if {@code raw} is null or
     *     breaks the syntax
     */
    public static Topic parse(String raw) {
        String path = normalize(Kind.TOPIC, raw);
        return new Topic(path, split(path));
    }

    @Override
    public String toString() {
        return path;
    }

    /** Rejects missing and oversized input, then brings the rest to NFC. */
    static String normalize(Kind kind, String raw) {
        if (raw == null) {
            throw kind.bare("is missing");
        }
        if (raw.isEmpty()) {
            throw kind.bare("is empty");
        }
        if (raw.length() > MAX_INPUT_LENGTH) {
            throw kind.whole(raw, "is " + raw.length() + " characters long; at most "
                    + MAX_INPUT_LENGTH + " are allowed");
        }
        return Normalizer.normalize(raw, Normalizer.Form.NFC);
    }

    /** Keeps empty segments, so that {@code a//b} or a trailing slash is reported, not ignored. */
    static List<String> split(String text) {
        return Arrays.asList(text.split(SEPARATOR, -1));
    }

    /**
     * Guards the canonical constructors against components that disagree with each other; input
     * that went through {@code parse} always passes.
     */
    static void requireConsistent(Kind kind, String text, List<String> segments) {
        if (segments.isEmpty()) {
            throw kind.whole(text, "has no segments");
        }
        if (!text.equals(String.join(SEPARATOR, segments))) {
            throw kind.whole(text, "differs from its segments joined by '/'");
        }
        if (!Normalizer.isNormalized(text, Normalizer.Form.NFC)) {
            throw kind.whole(text, "is not in Unicode NFC form");
        }
    }

    /** Checks a segment that must match itself exactly: any topic segment, most pattern ones. */
    static void requireValidLiteral(Kind kind, String text, int index, String segment) {
        if (segment.isEmpty()) {
            throw kind.segment(text, index, "is empty");
        }
        // Limits are in code points: a CJK Extension B character is still one character.
        int length = segment.codePointCount(0, segment.length());
        if (length > MAX_SEGMENT_LENGTH) {
            throw kind.segment(text, index, "is " + length + " characters long; at most "
                    + MAX_SEGMENT_LENGTH + " are allowed");
        }
        for (int i = 0; i < segment.length(); ) {
            int codePoint = segment.codePointAt(i);
            if (!isSegmentCodePoint(codePoint)) {
                throw kind.segment(text, index, "contains " + InvalidTopicException.describe(codePoint)
                        + ", which is not a letter, digit, '-', '_' or '.'");
            }
            i += Character.charCount(codePoint);
        }
    }

    private static boolean isSegmentCodePoint(int codePoint) {
        return Character.isLetter(codePoint)
                || Character.isDigit(codePoint)
                || isCombiningMark(codePoint)
                || codePoint == '-'
                || codePoint == '_'
                || codePoint == '.';
    }

    /**
     * Marks are not letters, yet NFC keeps many of them separate (Hindi vowel signs, Thai tone
     * marks), so words in those scripts need them.
     */
    private static boolean isCombiningMark(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK -> true;
            default -> false;
        };
    }
}
