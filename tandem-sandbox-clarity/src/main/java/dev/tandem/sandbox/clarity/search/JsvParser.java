package dev.tandem.sandbox.clarity.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the complex query values CEF clients send (spec §3): ServiceStack JSV such as {@code {Size:9,StartIndex:1}}
 * (the Angular admin client strips the quotes from JSON) and plain JSON such as {@code {"Size":9,"StartIndex":1}}
 * (the React storefront). Both parse to maps, lists and strings; callers convert scalars themselves.
 */
final class JsvParser {

    private final String text;
    private int pos;

    private JsvParser(String text) {
        this.text = text;
    }

    /** @throws IllegalArgumentException when the text is neither JSV nor JSON */
    static Object parse(String text) {
        JsvParser parser = new JsvParser(text.trim());
        Object value = parser.value();
        parser.skipSpace();
        if (parser.pos != parser.text.length()) {
            throw new IllegalArgumentException("Unexpected '" + parser.text.charAt(parser.pos) + "' at " + parser.pos);
        }
        return value;
    }

    private Object value() {
        skipSpace();
        if (pos >= text.length()) {
            return "";
        }
        char c = text.charAt(pos);
        if (c == '{') {
            return object();
        }
        if (c == '[') {
            return list();
        }
        if (c == '"') {
            return quoted();
        }
        return bare();
    }

    private Map<String, Object> object() {
        Map<String, Object> map = new LinkedHashMap<>();
        pos++;
        skipSpace();
        if (peek('}')) {
            pos++;
            return map;
        }
        while (true) {
            skipSpace();
            String key = peek('"') ? quoted() : bareKey();
            skipSpace();
            expect(':');
            map.put(key.trim(), value());
            skipSpace();
            if (peek(',')) {
                pos++;
            } else {
                expect('}');
                return map;
            }
        }
    }

    private List<Object> list() {
        List<Object> list = new ArrayList<>();
        pos++;
        skipSpace();
        if (peek(']')) {
            pos++;
            return list;
        }
        while (true) {
            list.add(value());
            skipSpace();
            if (peek(',')) {
                pos++;
            } else {
                expect(']');
                return list;
            }
        }
    }

    private String quoted() {
        StringBuilder sb = new StringBuilder();
        pos++;
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\' && pos < text.length()) {
                c = text.charAt(pos++);
            }
            sb.append(c);
        }
        throw new IllegalArgumentException("Unterminated string");
    }

    private String bare() {
        int start = pos;
        while (pos < text.length() && ",}]".indexOf(text.charAt(pos)) < 0) {
            pos++;
        }
        return text.substring(start, pos).trim();
    }

    private String bareKey() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) != ':') {
            pos++;
        }
        return text.substring(start, pos);
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw new IllegalArgumentException("Expected '" + c + "' at " + pos);
        }
        pos++;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}
