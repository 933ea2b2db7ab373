package io.newspush.testing.reliability;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HTTP/1.1 on a plain {@link Socket}: for clients that misbehave on purpose (never read, send half
 * a request, vanish mid-stream) and for reading exactly what the server wrote, chunk by chunk.
 */
public final class WireHttp {
  private WireHttp() {}

  /** A response head: status and headers (names case-insensitive). */
  public record Head(int status, Map<String, String> headers) {
    public boolean chunked() {
      return "chunked".equalsIgnoreCase(headers.getOrDefault("Transfer-Encoding", ""));
    }
  }

  /** Opens a connection (SO_RCVBUF set before connecting when {@code receiveBuffer > 0}) and sends {@code request} as is. */
  public static Socket send(int port, String request, int receiveBuffer) {
    Socket socket = new Socket();
    try {
      if (receiveBuffer > 0) {
        socket.setReceiveBufferSize(receiveBuffer);
      }
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      return socket;
    } catch (IOException e) {
      WireWebSocket.closeQuietly(socket);
      throw new UncheckedIOException(e);
    }
  }

  /** A complete GET request for {@code pathAndQuery}. */
  public static String get(int port, String pathAndQuery, String... extraHeaderLines) {
    StringBuilder request = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
    for (String line : extraHeaderLines) {
      request.append(line).append("\r\n");
    }
    return request.append("\r\n").toString();
  }

  /** Reads the status line and headers, one byte at a time so nothing after the head is consumed. */
  public static Head readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed inside the response head: '" + head.toString(StandardCharsets.UTF_8) + "'");
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > 65536) {
        throw new IOException("response head larger than 64 KiB");
      }
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP status line: '" + lines[0] + "'");
    }
    Map<String, String> headers = WireWebSocket.caseInsensitive();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
      }
    }
    return new Head(Integer.parseInt(statusLine[1]), headers);
  }

  /** Reads a complete (non-streaming) body: by Content-Length, chunked, or until EOF. */
  public static byte[] readBody(InputStream in, Head head) throws IOException {
    String length = head.headers().get("Content-Length");
    if (length != null) {
      byte[] body = in.readNBytes(Integer.parseInt(length.trim()));
      return body;
    }
    if (head.chunked()) {
      Dechunked dechunked = dechunk(in);
      return dechunked.bytes();
    }
    return in.readAllBytes();
  }

  /** A chunked body read until its last chunk, EOF or a reset; {@code ending} says which. */
  public record Dechunked(byte[] bytes, String ending) {}

  /** Decodes chunked transfer encoding until the terminating chunk, EOF or a reset; a cut-off chunk is kept as far as it came. */
  public static Dechunked dechunk(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try {
      while (true) {
        String sizeLine = readLine(in);
        if (sizeLine == null) {
          return new Dechunked(body.toByteArray(), "EOF");
        }
        if (sizeLine.isEmpty()) {
          continue;
        }
        int semicolon = sizeLine.indexOf(';');
        int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
        if (size == 0) {
          readLine(in);
          return new Dechunked(body.toByteArray(), "last chunk (response ended)");
        }
        byte[] chunk = in.readNBytes(size);
        body.write(chunk);
        if (chunk.length < size) {
          return new Dechunked(body.toByteArray(), "EOF inside a chunk");
        }
        readLine(in);
      }
    } catch (SocketException e) {
      return new Dechunked(body.toByteArray(), "connection reset (" + e.getMessage() + ")");
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
      }
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
  }

  /** An SSE event as it came off the wire. */
  public record SseEvent(String id, String event, String data) {}

  /** Complete SSE events in {@code stream} (a trailing event without its blank line is dropped). */
  public static List<SseEvent> sseEvents(byte[] stream) {
    List<SseEvent> events = new ArrayList<>();
    String text = new String(stream, StandardCharsets.UTF_8);
    int start = 0;
    while (true) {
      int end = text.indexOf("\n\n", start);
      if (end < 0) {
        return events;
      }
      String id = null;
      String event = "message";
      StringBuilder data = null;
      for (String line : text.substring(start, end).split("\n", -1)) {
        if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
        }
      }
      if (data != null) {
        events.add(new SseEvent(id, event, data.toString()));
      }
      start = end + 2;
    }
  }

  /** Reads from a socket, failing with a timeout once {@code timeout} has passed in total (not per read). */
  static final class Deadline extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private final long deadline;

    Deadline(Socket socket, Duration timeout) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.deadline = System.nanoTime() + timeout.toNanos();
    }

    private void arm() throws IOException {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new SocketTimeoutException("deadline passed");
      }
      socket.setSoTimeout((int) left);
    }

    @Override
    public int read() throws IOException {
      arm();
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      arm();
      return in.read(b, off, len);
    }
  }

  /** A streamed response read to its end: head, the dechunked body and how it ended. */
  public record Stream(Head head, byte[] body, String ending) {
    public List<SseEvent> events() {
      return sseEvents(body);
    }
  }

  /**
   * Reads the whole response on {@code socket} until the server ends it, within {@code timeout};
   * fails if the server keeps the stream open longer.
   */
  public static Stream readToEnd(Socket socket, Duration timeout) {
    try {
      InputStream in = new java.io.BufferedInputStream(new Deadline(socket, timeout), 65536);
      Head head = readHead(in);
      if (!head.chunked()) {
        byte[] body = readBody(in, head);
        return new Stream(head, body, "complete body");
      }
      Dechunked body = dechunk(in);
      return new Stream(head, body.bytes(), body.ending());
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the stream open for more than " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
