package dev.tandem.sandbox.salesforce.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API versions the sandbox serves: v50.0 (Winter '21, the default of many clients) up to v66.0 (Spring '26,
 * current in the spec), spec §2.1 and §9 "Versions".
 */
public final class ApiVersions {

    public static final int OLDEST = 50;
    public static final int NEWEST = 66;
    private static final Pattern VERSION = Pattern.compile("v(\\d+)\\.0");
    private static final String[] SEASONS = {"Summer", "Winter", "Spring"};

    private ApiVersions() {
    }

    /** "66.0" for the path segment "v66.0" when that version is served. */
    public static Optional<String> fromSegment(String segment) {
        Matcher matcher = VERSION.matcher(segment);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        int major = Integer.parseInt(matcher.group(1));
        return major >= OLDEST && major <= NEWEST ? Optional.of(major + ".0") : Optional.empty();
    }

    /** Release labels cycle Summer/Winter/Spring; v61.0 is "Summer '24" (spec §2.1). */
    static String label(int major) {
        int step = major - 61;
        String season = SEASONS[Math.floorMod(step, 3)];
        int year = 24 + Math.floorDiv(step + 2, 3);
        return season + " '" + year;
    }

    /** {@code GET /services/data/}: every served version, oldest first (spec §2.1). */
    public static ArrayNode list() {
        ArrayNode versions = Json.array();
        for (int major = OLDEST; major <= NEWEST; major++) {
            ObjectNode entry = versions.addObject();
            entry.put("label", label(major));
            entry.put("url", "/services/data/v" + major + ".0");
            entry.put("version", major + ".0");
        }
        return versions;
    }
}
