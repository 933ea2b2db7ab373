package io.newspush.store;

import io.newspush.article.Article;
import java.util.List;

/**
 * What one stamp-and-read brought: the articles after the asked-for seq, and whether the
 * sequencer's batch was full, so that more rows may still be waiting for their seq.
 */
public record Stamped(boolean morePending, List<Article> articles) {}
