package io.newspush.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A WebSocket client on a bare socket that does only what it is told: it never answers pings,
 * so tests can see what the server does to a peer that has gone quiet. Reads frames on the
 * calling thread.
 */
public final class RawWebSocket implements AutoCloseable {
  public static final int CONTINUATION = 0x0;
  public static final int TEXT = 0x1;
  public static final int CLOSE = 0x8;
  public static final int BINARY = 0x2;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  public record Frame(int opcode, byte[] payload, long atNanos) {
    public int closeStatus() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
    }

    public String text() {
      return new String(payload, opcode == CLOSE && payload.length >= 2 ? 2 : 0,
          opcode == CLOSE && payload.length >= 2 ? payload.length - 2 : payload.length, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final List<Frame> frames = new ArrayList<>();

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
  }

  /** Opens the socket and completes the upgrade handshake; fails unless the server answers 101. */
  public static RawWebSocket connect(int port, String pathAndQuery) {
    try {
      RawWebSocket ws = new RawWebSocket(new Socket("127.0.0.1", port));
      OutputStream out = ws.socket.getOutputStream();
      out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String head = ws.readHead();
      if (!head.startsWith("HTTP/1.1 101")) {
        throw new AssertionError("WebSocket upgrade refused: " + head);
      }
      return ws;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    InputStream raw = in;
    while (true) {
      int b = raw.read();
      if (b < 0) {
        throw new EOFException("connection closed during the handshake: " + head);
      }
      head.write(b);
      byte[] bytes = head.toByteArray();
      int n = bytes.length;
      if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n') {
        return head.toString(StandardCharsets.US_ASCII);
      }
    }
  }

  /** Sends one masked frame, as a client must; {@code fin} false leaves the message open for continuation frames. */
  public void sendFrame(int opcode, byte[] payload, boolean fin) {
    try {
      ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
      frame.write((fin ? 0x80 : 0) | opcode);
      if (payload.length < 126) {
        frame.write(0x80 | payload.length);
      } else if (payload.length < 65536) {
        frame.write(0x80 | 126);
        frame.write(payload.length >>> 8);
        frame.write(payload.length & 0xff);
      } else {
        frame.write(0x80 | 127);
        long length = payload.length;
        for (int shift = 56; shift >= 0; shift -= 8) {
          frame.write((int) (length >>> shift) & 0xff);
        }
      }
      byte[] mask = {0x37, (byte) 0xfa, 0x21, 0x3d};
      frame.write(mask);
      for (int i = 0; i < payload.length; i++) {
        frame.write(payload[i] ^ mask[i % 4]);
      }
      OutputStream out = socket.getOutputStream();
      out.write(frame.toByteArray());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads frames until a close frame, the end of the stream or {@code timeoutMillis}; returns every
   * frame read (also kept in {@link #frames()}). Never writes anything, not even a pong.
   */
  public List<Frame> readUntilClosed(long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    try {
      while (true) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return frames();
        }
        socket.setSoTimeout((int) left);
        int first = in.read();
        if (first < 0) {
          return frames();
        }
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
          length = in.readUnsignedShort();
        } else if (length == 127) {
          length = in.readLong();
        }
        byte[] mask = null;
        if ((second & 0x80) != 0) {
          mask = new byte[4];
          in.readFully(mask);
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        if (mask != null) {
          for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i % 4];
          }
        }
        Frame frame = new Frame(first & 0x0f, payload, System.nanoTime());
        frames.add(frame);
        if (frame.opcode() == CLOSE) {
          return frames();
        }
      }
    } catch (SocketTimeoutException e) {
      return frames();
    } catch (EOFException e) {
      return frames();
    } catch (IOException e) {
      // a reset after the server gave up on us counts as closed too
      return frames();
    }
  }

  /** Whether the server closes the TCP connection within {@code timeoutMillis}, reading (and dropping) anything before that. */
  public boolean closedByServerWithin(long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    try {
      while (System.currentTimeMillis() < deadline) {
        socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
        if (in.read() < 0) {
          return true;
        }
      }
      return false;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  public List<Frame> frames() {
    return List.copyOf(frames);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
