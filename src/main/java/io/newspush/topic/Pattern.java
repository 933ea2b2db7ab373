package io.newspush.topic;

import io.newspush.topic.InvalidTopicException.Kind;
import java.util.List;
import java.util.Objects;

/**
 * A filter over topics, as named in a subscription: a topic in which any segment may be {@code *},
 * matching exactly one segment, and the last segment may be {@code **}, matching zero or more.
 * {@code economy/*} matches {@code economy/trade} only; {@code economy/**} also matches
 * {@code economy} and {@code economy/trade/asia}; {@code **} matches every topic.
 *
 * <p>Text is brought to Unicode NFC as for {@link Topic}, and compared exactly.
 *
 * @param text the NFC-normalised text
 * @param segments the parts of {@code text} between slashes, wildcards included, unmodifiable
 */
public record Pattern(String text, List<String> segments) {

    static final String STAR = "*";
    static final String DOUBLE_STAR = "**";

    /**
     * The canonical constructor is public, so it validates too: every {@code Pattern} is
     * well-formed, whether it came from {@link #parse} or not.
     */
    public Pattern {
        Objects.requireNonNull(text, "text");
        segments = List.copyOf(segments);
        Topic.requireConsistent(Kind.PATTERN, text, segments);
        int last = segments.size() - 1;
        boolean endsWithDoubleStar = segments.get(last).equals(DOUBLE_STAR);
        int depth = endsWithDoubleStar ? last : last + 1;
        if (depth > Topic.MAX_SEGMENTS) {
            throw Kind.PATTERN.whole(text, "has " + depth + " segments"
                    + (endsWithDoubleStar ? " before its final '**'" : "")
                    + "; at most " + Topic.MAX_SEGMENTS + " are allowed");
        }
        for (int i = 0; i <= last; i++) {
            requireValidSegment(text, i, segments.get(i), i == last);
        }
    }

    /**
     * Reads a pattern as clients write it.
     *
     * @throws InvalidTopicException with code {@code invalid_pattern} if {@code raw} is null or
     *     breaks the syntax
     */
    public static Pattern parse(String raw) {
        String text = Topic.normalize(Kind.PATTERN, raw);
        return new Pattern(text, Topic.split(text));
    }

    public boolean matches(Topic topic) {
        List<String> names = topic.segments();
        if (!acceptsDepth(names.size())) {
            return false;
        }
        for (int i = 0; i < depth(); i++) {
            String segment = segments.get(i);
            if (!segment.equals(STAR) && !segment.equals(names.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every topic that {@code other} matches is matched by this pattern too; this is how a
     * granted pattern is checked against a requested one.
     *
     * <p>The answer is exact over the topics that can exist, which have 1 to 8 segments. So
     * {@code *} followed by a final {@code **} covers {@code **}, since no topic is empty, and
     * {@code a/b/c/d/e/f/g/h} covers {@code a/b/c/d/e/f/g/h/**}, since no topic is deeper.
     */
    public boolean covers(Pattern other) {
        int deepest = other.endsWithDoubleStar() ? Topic.MAX_SEGMENTS : other.depth();
        for (int topicDepth = Math.max(other.depth(), 1); topicDepth <= deepest; topicDepth++) {
            if (!coversAtDepth(other, topicDepth)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }

    /** How many segments come before a final {@code **}; all of them if there is none. */
    int depth() {
        return endsWithDoubleStar() ? segments.size() - 1 : segments.size();
    }

    boolean endsWithDoubleStar() {
        return segments.get(segments.size() - 1).equals(DOUBLE_STAR);
    }

    /**
     * Among topics of one depth, a pattern matches those whose every segment is among the choices
     * at its position, either one literal or any segment. One such set contains another exactly
     * when every position's choices contain the other's; and as there are endlessly many valid
     * segments, a literal contains only itself. {@code other} must match some topics this deep.
     */
    private boolean coversAtDepth(Pattern other, int topicDepth) {
        if (!acceptsDepth(topicDepth)) {
            return false;
        }
        for (int i = 0; i < topicDepth; i++) {
            if (!acceptsAnyAt(i) && (other.acceptsAnyAt(i) || !segments.get(i).equals(other.segments.get(i)))) {
                return false;
            }
        }
        return true;
    }

    private boolean acceptsDepth(int topicDepth) {
        return endsWithDoubleStar() ? topicDepth >= depth() : topicDepth == depth();
    }

    /** Whether any segment is accepted at this position: a {@code *}, or anything past a {@code **}. */
    private boolean acceptsAnyAt(int index) {
        return index >= depth() || segments.get(index).equals(STAR);
    }

    private static void requireValidSegment(String text, int index, String segment, boolean last) {
        if (segment.equals(STAR)) {
            return;
        }
        if (segment.equals(DOUBLE_STAR)) {
            if (!last) {
                throw Kind.PATTERN.segment(text, index, "is '**', which is only allowed as the last segment");
            }
            return;
        }
        if (segment.indexOf('*') >= 0) {
            throw Kind.PATTERN.segment(text, index,
                    "contains '*' but is not a wildcard; a wildcard is a whole segment, '*' or a final '**'");
        }
        Topic.requireValidLiteral(Kind.PATTERN, text, index, segment);
    }
}
