package io.newspush.topic;

/**
 * Thrown when a topic or pattern breaks the protocol's syntax.
 *
 * <p>{@link #code()} is the machine-readable reason sent back to clients; the message is for
 * humans and logs. Messages quote the offending input, shortened and with control characters
 * escaped, because that input comes from untrusted clients and must not flood or forge log lines.
 */
public final class InvalidTopicException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Longest stretch of offending input, in code points, repeated in a message. */
    private static final int MAX_QUOTED_CODE_POINTS = 100;

    /** What was being parsed: decides both the wording of the message and the code. */
    enum Kind {
        TOPIC("topic", "invalid_topic"),
        PATTERN("pattern", "invalid_pattern");

        private final String noun;
        private final String code;

        Kind(String noun, String code) {
            this.noun = noun;
            this.code = code;
        }

        /** For problems with no input worth quoting, such as a missing value. */
        InvalidTopicException bare(String problem) {
            return new InvalidTopicException(code, noun + " " + problem);
        }

        InvalidTopicException whole(String input, String problem) {
            return new InvalidTopicException(code, noun + " " + quote(input) + " " + problem);
        }

        /** {@code index} is zero-based; messages count segments from 1 as people do. */
        InvalidTopicException segment(String input, int index, String problem) {
            return new InvalidTopicException(
                    code, "segment " + (index + 1) + " of " + noun + " " + quote(input) + " " + problem);
        }
    }

    private final String code;

    private InvalidTopicException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** {@code "invalid_topic"} or {@code "invalid_pattern"}. */
    public String code() {
        return code;
    }

    /** Names a code point so that it is readable even when it is invisible. */
    static String describe(int codePoint) {
        String hex = String.format("U+%04X", codePoint);
        boolean printableAscii = codePoint > ' ' && codePoint < 0x7F;
        return printableAscii ? "'" + (char) codePoint + "' (" + hex + ")" : hex;
    }

    private static String quote(String input) {
        StringBuilder quoted = new StringBuilder().append('\'');
        int shown = 0;
        for (int i = 0; i < input.length(); shown++) {
            if (shown == MAX_QUOTED_CODE_POINTS) {
                quoted.append("...");
                break;
            }
            int codePoint = input.codePointAt(i);
            // Control and format characters (newlines, bidi overrides) could forge or hide log text.
            if (Character.isISOControl(codePoint) || Character.getType(codePoint) == Character.FORMAT) {
                quoted.append(String.format("\\u%04X", codePoint));
            } else {
                quoted.appendCodePoint(codePoint);
            }
            i += Character.charCount(codePoint);
        }
        return quoted.append('\'').toString();
    }
}
