package io.newspush.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PatternMatchingTest {

    @ParameterizedTest(name = "''{0}'' matches ''{1}'': {2}")
    @CsvSource({
        // The protocol's own examples.
        "economy/*,          economy/trade,            true",
        "economy/*,          economy,                  false",
        "economy/*,          economy/trade/asia,       false",
        "economy/**,         economy,                  true",
        "economy/**,         economy/trade,            true",
        "economy/**,         economy/trade/asia,       true",
        "economy/**,         economic,                 false",
        "economy/**,         sport/economy,            false",
        // '**' alone, '*' alone, '*' then '**'.
        "**,                 economy,                  true",
        "**,                 a/b/c/d/e/f/g/h,          true",
        "*,                  economy,                  true",
        "*,                  economy/trade,            false",
        "*/**,               economy,                  true",
        "*/**,               economy/trade/asia,       true",
        "*/*/**,             economy,                  false",
        // A '*' in the middle stands for exactly one segment.
        "a/*/c,              a/b/c,                    true",
        "a/*/c,              a/b/d,                    false",
        "a/*/c,              a/c,                      false",
        "a/*/c,              a/b/b/c,                  false",
        // Without wildcards, only the same topic matches.
        "economy/industry,   economy/industry,         true",
        "economy/industry,   economy/industr,          false",
        "economy/industry,   economy/industry/x,       false",
        "economy/industry,   economy,                  false",
        "a/b/c/d/e/f/g/h/**, a/b/c/d/e/f/g/h,          true",
        // No case folding.
        "Economy,            economy,                  false",
        "economy/*,          Economy/trade,            false",
        // NFC: composed and decomposed spellings of 'é' are the same text.
        "caf\u00e9/*,        cafe\u0301/menu,          true",
        "cafe\u0301/*,       caf\u00e9/menu,           true",
        "caf\u00e9,          cafe,                     false",
        // Topics outside ASCII.
        "义乌/*,             义乌/产业,                true",
        "义乌/**,            义乌/产业,                true",
        "**,                 义乌/产业,                true",
        "*/产业,             义乌/产业,                true",
        "*/产业,             义乌/工业,                false",
        "义乌/*,             义乌,                     false",
    })
    void matches(String pattern, String topic, boolean expected) {
        assertEquals(expected, Pattern.parse(pattern).matches(Topic.parse(topic)),
                () -> "'" + pattern + "' should " + (expected ? "" : "not ") + "match '" + topic + "'");
    }

    @ParameterizedTest(name = "''{0}'' covers ''{1}'': {2}")
    @CsvSource({
        "a/**,               a/*/b,                    true",
        "a/*,                a/**,                     false",
        "a/*/**,             a/**,                     false",
        "a/**,               a/*/**,                   true",
        "*/*,                a/*,                      true",
        "a/*,                */*,                      false",
        "a/**,               a,                        true",
        "a,                  a/**,                     false",
        "a,                  a,                        true",
        "a,                  b,                        false",
        "a/*,                a/b,                      true",
        "a/b,                a/*,                      false",
        "*/b,                a/b,                      true",
        "*/b,                a/*,                      false",
        "*,                  a,                        true",
        "*,                  **,                       false",
        "**,                 **,                       true",
        "**,                 a,                        true",
        "**,                 */*/**,                   true",
        "**,                 a/b/c/d/e/f/g/h/**,       true",
        "a/**,               **,                       false",
        "x/**,               a/**,                     false",
        "a/b/**,             a/*/**,                   false",
        "a/*/**,             a/b/**,                   true",
        "a/*/**,             a/b,                      true",
        "a/*/**,             a,                        false",
        "*/*/*,              a/**,                     false",
        "*/*/*,              a/*/c,                    true",
        // Every topic has at least one segment, so '*' followed by '**' is the same as '**'.
        "*/**,               **,                       true",
        // No topic has more than eight segments, so a final '**' after eight adds nothing.
        "a/b/c/d/e/f/g/h,    a/b/c/d/e/f/g/h/**,       true",
        "*/*/*/*/*/*/*/*,    a/b/c/d/e/f/g/*/**,       true",
        "a/b/c/d/e/f/g,      a/b/c/d/e/f/g/**,         false",
    })
    void covers(String granted, String requested, boolean expected) {
        assertEquals(expected, Pattern.parse(granted).covers(Pattern.parse(requested)),
                () -> "'" + granted + "' should " + (expected ? "" : "not ") + "cover '" + requested + "'");
    }

    /**
     * Checks covers() against its definition on random pairs of patterns. The topics enumerated
     * are every topic of 1 to 8 segments over {a, b, c}; patterns only use the literals a and b, so
     * c stands for all the segments a pattern does not name, and the enumeration is exhaustive.
     */
    @Test
    void coversAgreesWithMatchingOnEveryTopic() {
        List<Topic> topics = allTopics(List.of("a", "b", "c"));
        List<Pattern> patterns = randomPatterns(new Random(7), 300);
        List<BitSet> matched = new ArrayList<>();
        for (Pattern pattern : patterns) {
            BitSet set = new BitSet(topics.size());
            for (int t = 0; t < topics.size(); t++) {
                set.set(t, pattern.matches(topics.get(t)));
            }
            matched.add(set);
        }

        int coveringPairs = 0;
        for (int g = 0; g < patterns.size(); g++) {
            for (int r = 0; r < patterns.size(); r++) {
                BitSet uncovered = (BitSet) matched.get(r).clone();
                uncovered.andNot(matched.get(g));
                boolean expected = uncovered.isEmpty();
                Pattern granted = patterns.get(g);
                Pattern requested = patterns.get(r);
                assertEquals(expected, granted.covers(requested), () -> "'" + granted + "' covers '" + requested
                        + "'" + (expected ? "" : ", yet misses '" + topics.get(uncovered.nextSetBit(0)) + "'"));
                coveringPairs += expected && g != r ? 1 : 0;
            }
        }
        int found = coveringPairs;
        assertTrue(found > 100, () -> "too few covering pairs to be a meaningful test: " + found);
    }

    private static List<Topic> allTopics(List<String> alphabet) {
        List<Topic> topics = new ArrayList<>();
        List<String> shallower = List.of("");
        for (int depth = 1; depth <= Topic.MAX_SEGMENTS; depth++) {
            List<String> paths = new ArrayList<>();
            for (String prefix : shallower) {
                for (String segment : alphabet) {
                    paths.add(prefix.isEmpty() ? segment : prefix + "/" + segment);
                }
            }
            paths.forEach(path -> topics.add(Topic.parse(path)));
            shallower = paths;
        }
        return topics;
    }

    /** Mostly shallow patterns, so that pairs often overlap, with some at full depth. */
    private static List<Pattern> randomPatterns(Random random, int count) {
        String[] choices = {"a", "b", "*"};
        Set<Pattern> patterns = new LinkedHashSet<>();
        while (patterns.size() < count) {
            int depth = random.nextInt(5) == 0 ? random.nextInt(Topic.MAX_SEGMENTS + 1) : random.nextInt(4);
            List<String> segments = new ArrayList<>();
            for (int i = 0; i < depth; i++) {
                segments.add(choices[random.nextInt(choices.length)]);
            }
            if (depth == 0 || random.nextBoolean()) {
                segments.add("**");
            }
            patterns.add(Pattern.parse(String.join("/", segments)));
        }
        return new ArrayList<>(patterns);
    }
}
