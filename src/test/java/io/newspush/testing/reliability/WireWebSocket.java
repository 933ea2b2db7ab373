package io.newspush.testing.reliability;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain {@link Socket}, written by hand so a test controls every byte: the
 * receive buffer (a client that never reads), frames no well-behaved library would send (invalid
 * UTF-8 in a text frame, fragments, oversized frames), bursts written in one TCP write, and exactly
 * how the server ended the connection (close frame, EOF, reset).
 */
public final class WireWebSocket implements AutoCloseable {
  public static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

  /** One frame from the server; for CLOSE, {@link #closeCode()} and {@link #closeReason()} decode it. */
  public record Frame(int opcode, boolean fin, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }

    public String closeReason() {
      return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
    }
  }

  /** How a connection ended: a close frame (code and reason), or EOF / reset without one. */
  public record Ending(Integer closeCode, String closeReason, String transport) {
    public boolean closeFrame() {
      return closeCode != null;
    }

    @Override
    public String toString() {
      return closeCode != null ? "close frame " + closeCode + " '" + closeReason + "' then " + transport : "no close frame, " + transport;
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final int status;
  private final Map<String, String> headers;
  private final byte[] refusalBody;

  private WireWebSocket(Socket socket, int status, Map<String, String> headers, byte[] refusalBody) throws IOException {
    this.socket = socket;
    this.in = new java.io.BufferedInputStream(socket.getInputStream(), 65536);
    this.out = socket.getOutputStream();
    this.status = status;
    this.headers = headers;
    this.refusalBody = refusalBody;
  }

  /** Connects and performs the opening handshake; check {@link #status()} (101 when upgraded). */
  public static WireWebSocket open(int port, String pathAndQuery) {
    return open(port, pathAndQuery, 0);
  }

  /** As {@link #open(int, String)}, with SO_RCVBUF set before connecting when {@code receiveBuffer > 0}. */
  public static WireWebSocket open(int port, String pathAndQuery, int receiveBuffer) {
    Socket socket = new Socket();
    try {
      if (receiveBuffer > 0) {
        socket.setReceiveBufferSize(receiveBuffer);
      }
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(10_000);
      byte[] nonce = new byte[16];
      ThreadLocalRandom.current().nextBytes(nonce);
      String request = "GET " + pathAndQuery + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1:" + port + "\r\n"
          + "Upgrade: websocket\r\n"
          + "Connection: Upgrade\r\n"
          + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      WireHttp.Head head = WireHttp.readHead(socket.getInputStream());
      byte[] body = new byte[0];
      if (head.status() != 101) {
        body = WireHttp.readBody(socket.getInputStream(), head);
      }
      return new WireWebSocket(socket, head.status(), head.headers(), body);
    } catch (IOException e) {
      closeQuietly(socket);
      throw new UncheckedIOException("WebSocket handshake with " + pathAndQuery + " failed", e);
    }
  }

  public int status() {
    return status;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** The body of a refused handshake (status other than 101). */
  public String refusalBody() {
    return new String(refusalBody, StandardCharsets.UTF_8);
  }

  public Socket socket() {
    return socket;
  }

  public void sendText(String text) {
    sendFrame(TEXT, text.getBytes(StandardCharsets.UTF_8), true);
  }

  public void sendFrame(int opcode, byte[] payload, boolean fin) {
    write(frame(opcode, payload, fin));
  }

  /** Writes already encoded frames (see {@link #frame}) in one TCP write: a true burst. */
  public void write(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to the WebSocket failed", e);
    }
  }

  /** Like {@link #write}, but reports a failure instead of throwing (the server may have closed already). */
  public boolean tryWrite(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A masked client frame. */
  public static byte[] frame(int opcode, byte[] payload, boolean fin) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write((fin ? 0x80 : 0) | opcode);
    int length = payload.length;
    if (length < 126) {
      frame.write(0x80 | length);
    } else if (length < 65536) {
      frame.write(0x80 | 126);
      frame.write(length >>> 8);
      frame.write(length & 0xff);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) (((long) length >>> shift) & 0xff));
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask, 0, 4);
    for (int i = 0; i < length; i++) {
      frame.write(payload[i] ^ mask[i & 3]);
    }
    return frame.toByteArray();
  }

  public static byte[] textFrame(String text) {
    return frame(TEXT, text.getBytes(StandardCharsets.UTF_8), true);
  }

  /** The next frame, or null at EOF; fails after {@code timeout} without one. Pings are answered and skipped. */
  public Frame readFrame(Duration timeout) {
    try {
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      while (true) {
        Frame frame = readFrameOrNull();
        if (frame == null) {
          return null;
        }
        if (frame.opcode() == PING) {
          tryWrite(frame(PONG, frame.payload(), true));
          continue;
        }
        return frame;
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame from the server within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next text message (skipping nothing but pings); fails if the connection ends or stays silent. */
  public String readText(Duration timeout) {
    Frame frame = readFrame(timeout);
    if (frame == null) {
      throw new AssertionError("the server closed the connection instead of answering");
    }
    if (frame.opcode() == CLOSE) {
      throw new AssertionError("the server closed the WebSocket with " + frame.closeCode() + " '" + frame.closeReason()
          + "' instead of answering");
    }
    if (frame.opcode() != TEXT) {
      throw new AssertionError("expected a text frame, got opcode " + frame.opcode());
    }
    return frame.text();
  }

  /** Returned by {@link #nextOrSilence} when the server sent nothing in time. */
  public static final Frame SILENCE = new Frame(-1, true, new byte[0]);

  /** Returned by {@link #nextOrSilence} when reading failed: the connection was reset. */
  public static final Frame RESET = new Frame(-2, true, new byte[0]);

  /**
   * The next frame other than a ping: null at EOF, {@link #RESET} if the connection was reset,
   * {@link #SILENCE} if nothing came within {@code timeout}.
   */
  public Frame nextOrSilence(Duration timeout) {
    try {
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      while (true) {
        Frame frame = readFrameOrNull();
        if (frame == null || frame.opcode() != PING) {
          return frame;
        }
        tryWrite(frame(PONG, frame.payload(), true));
      }
    } catch (SocketTimeoutException e) {
      return SILENCE;
    } catch (EOFException e) {
      return null;
    } catch (IOException e) {
      return RESET;
    }
  }

  /** What was read until the connection ended: the text messages, then how it ended. */
  public record Drained(List<String> texts, Ending ending) {}

  /**
   * Reads everything until the server ends the connection (close frame, EOF or reset), within
   * {@code timeout}. A frame cut off by the end of the connection is dropped.
   */
  public Drained drain(Duration timeout) {
    List<String> texts = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw new AssertionError("the connection was still open after " + timeout.toMillis() + " ms; read "
              + texts.size() + " text messages");
        }
        socket.setSoTimeout((int) left);
        Frame frame;
        try {
          frame = readFrameOrNull();
        } catch (EOFException e) {
          return new Drained(texts, new Ending(null, null, "EOF inside a frame"));
        } catch (SocketException e) {
          return new Drained(texts, new Ending(null, null, "connection reset (" + e.getMessage() + ")"));
        }
        if (frame == null) {
          return new Drained(texts, new Ending(null, null, "EOF"));
        }
        if (frame.opcode() == TEXT) {
          texts.add(frame.text());
        } else if (frame.opcode() == CLOSE) {
          String after = afterClose();
          return new Drained(texts, new Ending(frame.closeCode(), frame.closeReason(), after));
        }
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection was still open after " + timeout.toMillis() + " ms; read "
          + texts.size() + " text messages");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the connection to end; returns how it ended. Any frames are discarded. */
  public Ending awaitEnd(Duration timeout) {
    return drain(timeout).ending();
  }

  private String afterClose() {
    tryWrite(frame(CLOSE, new byte[] {0x03, (byte) 0xe8}, true));
    try {
      socket.setSoTimeout(5_000);
      while (true) {
        int b = in.read();
        if (b < 0) {
          return "EOF";
        }
      }
    } catch (SocketTimeoutException e) {
      return "TCP still open 5 s after the close handshake";
    } catch (IOException e) {
      return "reset";
    }
  }

  private Frame readFrameOrNull() throws IOException {
    int first = in.read();
    if (first < 0) {
      return null;
    }
    int second = readByte();
    boolean fin = (first & 0x80) != 0;
    int opcode = first & 0x0f;
    long length = second & 0x7f;
    if (length == 126) {
      length = ((long) readByte() << 8) | readByte();
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | readByte();
      }
    }
    if ((second & 0x80) != 0) {
      throw new IOException("the server sent a masked frame");
    }
    if (length > 64 * 1024 * 1024) {
      throw new IOException("frame of " + length + " bytes");
    }
    byte[] payload = in.readNBytes((int) length);
    if (payload.length < length) {
      throw new EOFException("EOF inside a frame");
    }
    return new Frame(opcode, fin, payload);
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("EOF inside a frame header");
    }
    return b;
  }

  @Override
  public void close() {
    closeQuietly(socket);
  }

  /** Closes with SO_LINGER 0: the server sees a reset, not a FIN. */
  public void abort() {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // closing anyway
    }
    closeQuietly(socket);
  }

  static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  static Map<String, String> caseInsensitive() {
    return new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  }
}
