package io.newspush.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A benchmark article's marker is found in what either server delivers, and only there; newspush's seq too. */
class PayloadTest {
  @Test
  void theMarkerIsFoundWhereverTheServerPutTheArticle() {
    byte[] article = Payload.article("bench/t", 42, 1_700_000_000_123_456L, 600).getBytes();
    String newspushFrame = "{\"type\":\"article\",\"article\":{\"id\":\"x\",\"seq\":7," + new String(article, StandardCharsets.UTF_8).substring(1) + "}";
    for (byte[] delivered : new byte[][] {article, newspushFrame.getBytes(StandardCharsets.UTF_8)}) {
      assertEquals(new Payload.Mark(42, 1_700_000_000_123_456L), Payload.find(delivered, 0, delivered.length));
    }
  }

  @Test
  void searchesOnlyTheGivenRange() {
    byte[] bytes = "NPB 1 2 | NPB 3 4".getBytes(StandardCharsets.US_ASCII);
    byte[] mark = "NPB ".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0, Payload.indexOf(bytes, mark, 0, bytes.length));
    assertEquals(10, Payload.indexOf(bytes, mark, 1, bytes.length));
    assertEquals(-1, Payload.indexOf(bytes, mark, 1, 13), "a match must end inside the range");
    assertEquals(10, Payload.indexOf(bytes, mark, 10, 14));
    assertNull(Payload.find("{\"title\":\"NP NPBX\"}".getBytes(StandardCharsets.UTF_8), 0, 19));
  }

  @Test
  void newspushsOrderKeyIsTheArticlesSeqInEitherTransport() {
    String article = "{\"id\":\"d69afa40\",\"seq\":1234567,\"topic\":\"bench/t\",\"title\":\"NPB 1 2 seq\\\":9\"}";
    for (String delivered : new String[] {"{\"type\":\"article\",\"article\":" + article + "}",
        "id: 1234567\nevent: article\ndata: " + article}) {
      byte[] bytes = delivered.getBytes(StandardCharsets.UTF_8);
      assertEquals(1234567, Target.NEWSPUSH.orderKey(bytes, 0, bytes.length, 1), delivered);
    }
  }
}
