package dev.tandem.core.flow;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each node of a YAML document starts, by path ({@code steps/2/fetch/entity}), read from Jackson's YAML
 * parser token locations so that schema errors can name a line and column.
 */
public final class YamlLocations {

    /** A line and column, 1-based, as Jackson's parser counts them. */
    public record Position(int line, int column) {
    }

    private final Map<String, Position> positions;

    private YamlLocations(Map<String, Position> positions) {
        this.positions = positions;
    }

    static YamlLocations of(String yaml) {
        Map<String, Position> positions = new HashMap<>();
        walk(yaml, (path, pos) -> positions.putIfAbsent(path, pos));
        return new YamlLocations(positions);
    }

    /**
     * Calls {@code visit} with the path ({@code steps/2/fetch/entity}; the root is "") and start position of every
     * node of the YAML text, and of every key, in document order. A text that does not parse is walked up to its
     * syntax error (the tree parse reports that, with its own location).
     */
    public static void walk(String yaml, java.util.function.BiConsumer<String, Position> visit) {
        // Each container on the stack: its path and, for arrays, the next index; for objects, the current field.
        Deque<Object[]> stack = new ArrayDeque<>();
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                JsonLocation at = p.currentTokenLocation();
                Position pos = new Position(at.getLineNr(), at.getColumnNr());
                if (t == JsonToken.FIELD_NAME) {
                    Object[] top = stack.peek();
                    top[1] = p.currentName();
                    visit.accept(join((String) top[0], p.currentName()), pos);
                    continue;
                }
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    stack.pop();
                    continue;
                }
                String path = stack.isEmpty() ? "" : childPath(stack.peek());
                visit.accept(path, pos);
                if (t == JsonToken.START_OBJECT) {
                    stack.push(new Object[]{path, null});
                } else if (t == JsonToken.START_ARRAY) {
                    stack.push(new Object[]{path, -1});
                }
            }
        } catch (IOException | RuntimeException e) {
            // Syntax errors are reported by the tree parse, with their own location.
        }
    }

    private static String childPath(Object[] parent) {
        if (parent[1] instanceof Integer i) {
            parent[1] = i + 1;
            return join((String) parent[0], String.valueOf(i + 1));
        }
        return join((String) parent[0], (String) parent[1]);
    }

    private static String join(String parent, String child) {
        return parent.isEmpty() ? child : parent + "/" + child;
    }

    /** The position of the deepest known node on the path. */
    Position at(List<String> path) {
        for (int n = path.size(); n >= 0; n--) {
            Position p = positions.get(String.join("/", path.subList(0, n)));
            if (p != null) {
                return p;
            }
        }
        return new Position(1, 1);
    }

    Position at(String path) {
        return at(path.isEmpty() ? List.of() : List.of(path.split("/")));
    }
}
