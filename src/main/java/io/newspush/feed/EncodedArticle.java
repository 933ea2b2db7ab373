package io.newspush.feed;

import io.newspush.article.Article;
import io.newspush.article.ArticleJson;
import io.newspush.topic.Topic;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An article encoded once for every transport: the complete SSE event and the WebSocket text
 * payload. The same buffers are written to every matching connection.
 *
 * @param visibleAtNanos {@link System#nanoTime()} when the feed read the article, for latency metrics
 */
public record EncodedArticle(long seq, Topic topic, Buffer json, Buffer sseEvent, Buffer wsMessage, long visibleAtNanos) {

  private static final byte[] SSE_ID = "id: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SSE_EVENT = "\nevent: article\ndata: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SSE_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] WS_START = "{\"type\":\"article\",\"article\":".getBytes(StandardCharsets.US_ASCII);

  public static EncodedArticle of(Article article) {
    // JSON encoding escapes line breaks inside strings, so the article is one SSE data line.
    Buffer json = ArticleJson.toJson(article).toBuffer();
    byte[] seq = Long.toString(article.seq()).getBytes(StandardCharsets.US_ASCII);
    Buffer sse = Buffer.buffer(SSE_ID.length + seq.length + SSE_EVENT.length + json.length() + SSE_END.length)
        .appendBytes(SSE_ID).appendBytes(seq).appendBytes(SSE_EVENT).appendBuffer(json).appendBytes(SSE_END);
    Buffer ws = Buffer.buffer(WS_START.length + json.length() + 1)
        .appendBytes(WS_START).appendBuffer(json).appendByte((byte) '}');
    return new EncodedArticle(article.seq(), Topic.parse(article.topic()), json, offHeap(sse), offHeap(ws), System.nanoTime());
  }

  /**
   * A copy in direct memory. The socket layer can only send direct memory, so a heap buffer would
   * be copied again for every connection it is written to; this copy is made once per article.
   * The JDK frees the memory when the article is no longer referenced.
   */
  private static Buffer offHeap(Buffer heap) {
    ByteBuffer direct = ByteBuffer.allocateDirect(heap.length());
    direct.put(heap.getBytes()).flip();
    return BufferInternal.buffer(Unpooled.wrappedBuffer(direct));
  }
}
