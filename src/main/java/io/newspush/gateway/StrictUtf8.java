package io.newspush.gateway;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 refusing what is not UTF-8 (truncated sequences, overlong forms, encoded
 * surrogates) instead of replacing it, so text is stored byte for byte or not at all.
 */
final class StrictUtf8 {
  private StrictUtf8() {}

  static String decode(Buffer bytes) throws CharacterCodingException {
    return decode(ByteBuffer.wrap(bytes.getBytes()));
  }

  static String decode(ByteBuf bytes) throws CharacterCodingException {
    return decode(bytes.nioBuffer());
  }

  private static String decode(ByteBuffer bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(bytes)
        .toString();
  }
}
