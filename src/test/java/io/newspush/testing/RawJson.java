package io.newspush.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts raw JSON text into the exact substrings the server wrote, without decoding and re-encoding,
 * so tests can compare what two endpoints sent byte for byte.
 */
public final class RawJson {
  private RawJson() {}

  /** The raw text of a top-level field of a JSON object, or null if the object has no such field. */
  public static String field(String json, String name) {
    int i = skipWhitespace(json, 0);
    expect(json, i, '{');
    i = skipWhitespace(json, i + 1);
    if (json.charAt(i) == '}') {
      return null;
    }
    while (true) {
      expect(json, i, '"');
      int keyEnd = valueEnd(json, i);
      String key = json.substring(i + 1, keyEnd - 1);
      i = skipWhitespace(json, keyEnd);
      expect(json, i, ':');
      i = skipWhitespace(json, i + 1);
      int end = valueEnd(json, i);
      if (key.equals(name)) {
        return json.substring(i, end);
      }
      i = skipWhitespace(json, end);
      if (json.charAt(i) == '}') {
        return null;
      }
      expect(json, i, ',');
      i = skipWhitespace(json, i + 1);
    }
  }

  /** The raw text of each element of a JSON array. */
  public static List<String> elements(String array) {
    List<String> elements = new ArrayList<>();
    int i = skipWhitespace(array, 0);
    expect(array, i, '[');
    i = skipWhitespace(array, i + 1);
    if (array.charAt(i) == ']') {
      return elements;
    }
    while (true) {
      int end = valueEnd(array, i);
      elements.add(array.substring(i, end));
      i = skipWhitespace(array, end);
      if (array.charAt(i) == ']') {
        return elements;
      }
      expect(array, i, ',');
      i = skipWhitespace(array, i + 1);
    }
  }

  /** The raw elements of an array held in a top-level field of an object. */
  public static List<String> arrayField(String json, String name) {
    String array = field(json, name);
    if (array == null) {
      throw new AssertionError("no field '" + name + "' in " + abbreviate(json));
    }
    return elements(array);
  }

  private static int valueEnd(String s, int start) {
    char first = s.charAt(start);
    if (first == '"') {
      return stringEnd(s, start);
    }
    if (first == '{' || first == '[') {
      int depth = 0;
      int i = start;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '"') {
          i = stringEnd(s, i);
          continue;
        }
        if (c == '{' || c == '[') {
          depth++;
        } else if (c == '}' || c == ']') {
          depth--;
          if (depth == 0) {
            return i + 1;
          }
        }
        i++;
      }
      throw new AssertionError("unterminated JSON value at " + start + " in " + abbreviate(s));
    }
    int i = start;
    while (i < s.length() && ",}] \t\r\n".indexOf(s.charAt(i)) < 0) {
      i++;
    }
    return i;
  }

  private static int stringEnd(String s, int start) {
    int i = start + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == '"') {
        return i + 1;
      } else {
        i++;
      }
    }
    throw new AssertionError("unterminated JSON string at " + start + " in " + abbreviate(s));
  }

  private static int skipWhitespace(String s, int i) {
    while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    if (i >= s.length()) {
      throw new AssertionError("JSON ends early: " + abbreviate(s));
    }
    return i;
  }

  private static void expect(String s, int i, char c) {
    if (s.charAt(i) != c) {
      throw new AssertionError("expected '" + c + "' at " + i + " in " + abbreviate(s));
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }
}
