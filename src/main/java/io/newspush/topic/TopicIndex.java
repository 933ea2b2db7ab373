package io.newspush.topic;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Finds the subscribers whose patterns match a topic. A lookup walks one path of a trie per
 * {@code *} branch it meets, so its cost grows with the topic's depth and not with the number of
 * subscriptions.
 *
 * <p>Each trie node stands for a sequence of pattern segments and holds its literal children, its
 * {@code *} child, the subscribers whose pattern ends at the node, and those whose pattern ends
 * with {@code **} at the node. Nodes that become empty are removed, so the index does not grow as
 * subscribers come and go. Subscribers are kept in hash sets and so compared by {@code equals}.
 *
 * <p>Not thread-safe, by design: each instance belongs to one event loop, the only thread that
 * touches it, so locking would be pure cost.
 *
 * @param <S> the subscriber type
 */
public final class TopicIndex<S> {

    private final Node<S> root = new Node<>();
    private int size;

    /** Registers the pair; adding a pair already present changes nothing. */
    public void add(Pattern pattern, S subscriber) {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(subscriber, "subscriber");
        Node<S> node = root;
        for (int i = 0; i < pattern.depth(); i++) {
            node = node.childOrCreate(pattern.segments().get(i));
        }
        if (node.addSubscriber(subscriber, pattern.endsWithDoubleStar())) {
            size++;
        }
    }

    /** Unregisters the pair, returning whether it was present. */
    public boolean remove(Pattern pattern, S subscriber) {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(subscriber, "subscriber");
        boolean removed = remove(root, pattern, 0, subscriber);
        if (removed) {
            size--;
        }
        return removed;
    }

    /**
     * Calls {@code visitor} once for every registered pair whose pattern matches {@code topic}.
     * A subscriber with several matching patterns is visited once per pattern, in no particular
     * order; callers that deliver an article once per subscriber must deduplicate, for instance
     * by the article's sequence number. The visitor must not modify this index.
     */
    public void forEachMatch(Topic topic, Consumer<? super S> visitor) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(visitor, "visitor");
        visit(root, topic.segments(), 0, visitor);
    }

    /** The number of registered (pattern, subscriber) pairs. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Visible for tests, which use it to prove that removal prunes the trie. */
    int nodeCount() {
        return root.countNodes();
    }

    /** Removes on the way down and prunes emptied nodes on the way back up. */
    private static <S> boolean remove(Node<S> node, Pattern pattern, int depth, S subscriber) {
        if (depth == pattern.depth()) {
            return node.removeSubscriber(subscriber, pattern.endsWithDoubleStar());
        }
        String segment = pattern.segments().get(depth);
        Node<S> child = node.child(segment);
        if (child == null || !remove(child, pattern, depth + 1, subscriber)) {
            return false;
        }
        if (child.isEmpty()) {
            node.removeChild(segment);
        }
        return true;
    }

    private static <S> void visit(Node<S> node, List<String> names, int depth, Consumer<? super S> visitor) {
        // A final '**' accepts whatever is left of the topic, even nothing.
        node.forEachEndingWithDoubleStar(visitor);
        if (depth == names.size()) {
            node.forEachEndingHere(visitor);
            return;
        }
        Node<S> literal = node.literalChild(names.get(depth));
        if (literal != null) {
            visit(literal, names, depth + 1, visitor);
        }
        if (node.starChild != null) {
            visit(node.starChild, names, depth + 1, visitor);
        }
    }

    /**
     * Collections are created on first use and dropped when emptied: most nodes need only one or
     * two of them, and empty collections would still cost memory in every node.
     */
    private static final class Node<S> {
        private Map<String, Node<S>> literalChildren;
        private Node<S> starChild;
        private Set<S> endingHere;
        private Set<S> endingWithDoubleStar;

        Node<S> literalChild(String segment) {
            return literalChildren == null ? null : literalChildren.get(segment);
        }

        Node<S> child(String segment) {
            return segment.equals(Pattern.STAR) ? starChild : literalChild(segment);
        }

        Node<S> childOrCreate(String segment) {
            if (segment.equals(Pattern.STAR)) {
                if (starChild == null) {
                    starChild = new Node<>();
                }
                return starChild;
            }
            if (literalChildren == null) {
                literalChildren = new HashMap<>();
            }
            return literalChildren.computeIfAbsent(segment, unused -> new Node<>());
        }

        void removeChild(String segment) {
            if (segment.equals(Pattern.STAR)) {
                starChild = null;
                return;
            }
            literalChildren.remove(segment);
            if (literalChildren.isEmpty()) {
                literalChildren = null;
            }
        }

        boolean addSubscriber(S subscriber, boolean doubleStar) {
            Set<S> subscribers = doubleStar ? endingWithDoubleStar : endingHere;
            if (subscribers == null) {
                subscribers = new HashSet<>();
                if (doubleStar) {
                    endingWithDoubleStar = subscribers;
                } else {
                    endingHere = subscribers;
                }
            }
            return subscribers.add(subscriber);
        }

        boolean removeSubscriber(S subscriber, boolean doubleStar) {
            Set<S> subscribers = doubleStar ? endingWithDoubleStar : endingHere;
            if (subscribers == null || !subscribers.remove(subscriber)) {
                return false;
            }
            if (subscribers.isEmpty()) {
                if (doubleStar) {
                    endingWithDoubleStar = null;
                } else {
                    endingHere = null;
                }
            }
            return true;
        }

        void forEachEndingHere(Consumer<? super S> visitor) {
            if (endingHere != null) {
                endingHere.forEach(visitor);
            }
        }

        void forEachEndingWithDoubleStar(Consumer<? super S> visitor) {
            if (endingWithDoubleStar != null) {
                endingWithDoubleStar.forEach(visitor);
            }
        }

        boolean isEmpty() {
            return literalChildren == null && starChild == null && endingHere == null && endingWithDoubleStar == null;
        }

        int countNodes() {
            int count = 1;
            if (literalChildren != null) {
                for (Node<S> child : literalChildren.values()) {
                    count += child.countNodes();
                }
            }
            if (starChild != null) {
                count += starChild.countNodes();
            }
            return count;
        }
    }
}
