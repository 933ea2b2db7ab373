package io.newspush.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopicIndexTest {

    /** Equal only to itself, like the connection objects the server registers. */
    private static final class Subscriber {
        private final String name;

        Subscriber(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private record Registration(Pattern pattern, Subscriber subscriber) {}

    private final TopicIndex<Subscriber> index = new TopicIndex<>();

    @Test
    void visitsWhatBruteForceMatchingFinds() {
        Random random = new Random(42);
        List<Subscriber> subscribers = IntStream.range(0, 40).mapToObj(i -> new Subscriber("s" + i)).toList();
        Set<Registration> registered = new LinkedHashSet<>();
        for (int i = 0; i < 2_000; i++) {
            Registration registration = new Registration(
                    randomPattern(random, 3, 4), subscribers.get(random.nextInt(subscribers.size())));
            index.add(registration.pattern(), registration.subscriber());
            registered.add(registration);
        }
        assertEquals(registered.size(), index.size(), "size after adding");
        assertAgreesWithBruteForce(registered, random);

        List<Registration> removed = new ArrayList<>();
        for (Registration registration : registered) {
            if (random.nextBoolean()) {
                assertTrue(index.remove(registration.pattern(), registration.subscriber()),
                        () -> "removing registered " + registration);
                removed.add(registration);
            }
        }
        removed.forEach(registered::remove);
        assertEquals(registered.size(), index.size(), "size after removing");
        assertAgreesWithBruteForce(registered, random);
    }

    @Test
    void removingEverythingPrunesTheTrie() {
        Random random = new Random(1);
        List<Registration> registrations = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Registration registration =
                    new Registration(randomPattern(random, 8, Topic.MAX_SEGMENTS), new Subscriber("s" + i));
            index.add(registration.pattern(), registration.subscriber());
            registrations.add(registration);
        }
        assertTrue(index.nodeCount() > 10_000, () -> "the test should build a large trie, built " + index.nodeCount());

        Collections.shuffle(registrations, random);
        for (Registration registration : registrations) {
            assertTrue(index.remove(registration.pattern(), registration.subscriber()),
                    () -> "removing registered " + registration);
        }
        assertTrue(index.isEmpty(), () -> "index should be empty, size is " + index.size());
        assertEquals(1, index.nodeCount(), "only the root should be left");
        for (int i = 0; i < 100; i++) {
            Topic topic = randomTopic(random, 8, Topic.MAX_SEGMENTS);
            assertEquals(List.of(), visits(topic), () -> "visits for '" + topic + "'");
        }
    }

    @Test
    void addingAPairTwiceRegistersItOnce() {
        Subscriber alice = new Subscriber("alice");
        index.add(Pattern.parse("economy/**"), alice);
        index.add(Pattern.parse("economy/**"), alice);

        assertEquals(1, index.size());
        assertEquals(List.of(alice), visits(Topic.parse("economy/trade")));
        assertTrue(index.remove(Pattern.parse("economy/**"), alice), "first removal");
        assertFalse(index.remove(Pattern.parse("economy/**"), alice), "second removal");
        assertTrue(index.isEmpty());
    }

    @Test
    void keepsDistinctSubscribersApart() {
        Subscriber first = new Subscriber("twin");
        Subscriber second = new Subscriber("twin");
        index.add(Pattern.parse("economy/*"), first);
        index.add(Pattern.parse("economy/*"), second);

        assertEquals(2, index.size());
        assertEquals(Set.of(first, second), Set.copyOf(visits(Topic.parse("economy/trade"))));
    }

    @Test
    void visitsASubscriberOncePerMatchingPattern() {
        Subscriber alice = new Subscriber("alice");
        index.add(Pattern.parse("**"), alice);
        index.add(Pattern.parse("economy/*"), alice);
        index.add(Pattern.parse("economy/trade"), alice);
        index.add(Pattern.parse("sport/**"), alice);

        assertEquals(List.of(alice, alice, alice), visits(Topic.parse("economy/trade")));
    }

    @Test
    void removingAnAbsentPairChangesNothing() {
        Subscriber alice = new Subscriber("alice");
        index.add(Pattern.parse("a/b"), alice);
        int nodes = index.nodeCount();

        assertFalse(index.remove(Pattern.parse("a/b"), new Subscriber("bob")), "other subscriber");
        assertFalse(index.remove(Pattern.parse("a/b/c"), alice), "longer pattern");
        assertFalse(index.remove(Pattern.parse("a"), alice), "shorter pattern");
        assertFalse(index.remove(Pattern.parse("a/*"), alice), "wildcard in place of a literal");
        assertFalse(index.remove(Pattern.parse("a/b/**"), alice), "same path ending with '**'");

        assertEquals(1, index.size());
        assertEquals(nodes, index.nodeCount(), "failed removals should neither add nor prune nodes");
        assertEquals(List.of(alice), visits(Topic.parse("a/b")));
    }

    private void assertAgreesWithBruteForce(Set<Registration> registered, Random random) {
        int matches = 0;
        for (int i = 0; i < 500; i++) {
            // 'd' is in no pattern and depth 5 beyond every pattern's, so some topics match only wildcards.
            Topic topic = randomTopic(random, 4, 5);
            Map<Subscriber, Integer> expected = new HashMap<>();
            for (Registration registration : registered) {
                if (registration.pattern().matches(topic)) {
                    expected.merge(registration.subscriber(), 1, Integer::sum);
                }
            }
            Map<Subscriber, Integer> visited = new HashMap<>();
            index.forEachMatch(topic, subscriber -> visited.merge(subscriber, 1, Integer::sum));
            assertEquals(expected, visited, () -> "visits per subscriber for topic '" + topic + "'");
            matches += expected.size();
        }
        int total = matches;
        assertTrue(total > 1_000, () -> "too few matches to be a meaningful test: " + total);
    }

    private List<Subscriber> visits(Topic topic) {
        List<Subscriber> visited = new ArrayList<>();
        index.forEachMatch(topic, visited::add);
        return visited;
    }

    /** Segments are drawn from the first {@code letters} letters of the alphabet, or are wildcards. */
    private static Pattern randomPattern(Random random, int letters, int maxDepth) {
        int depth = random.nextInt(maxDepth + 1);
        List<String> segments = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            segments.add(random.nextInt(4) == 0 ? "*" : letter(random, letters));
        }
        if (depth == 0 || random.nextInt(3) == 0) {
            segments.add("**");
        }
        return Pattern.parse(String.join("/", segments));
    }

    private static Topic randomTopic(Random random, int letters, int maxDepth) {
        int depth = 1 + random.nextInt(maxDepth);
        List<String> segments = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            segments.add(letter(random, letters));
        }
        return Topic.parse(String.join("/", segments));
    }

    private static String letter(Random random, int letters) {
        return String.valueOf((char) ('a' + random.nextInt(letters)));
    }
}
