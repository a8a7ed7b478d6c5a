package dev.tandem.core.mapping.functions;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code $convertUnit(value, from, to)}: mass, length and volume. The units and their exact factors are data, in
 * the resource {@code units.csv} (sources cited there: NIST Handbook 44 Appendix C, NIST SP 811 Appendix B.8).
 * The arithmetic is decimal, to 16 significant digits ({@link MathContext#DECIMAL64}), so 1 lb is exactly
 * 0.45359237 kg and not 0.45359237000000004.
 */
final class UnitFunctions {

    private UnitFunctions() {
    }

    record Unit(String symbol, String dimension, BigDecimal factor) {
    }

    private static final Map<String, Unit> UNITS = new HashMap<>();

    static {
        for (Map<String, String> row : CsvResources.rows("units.csv")) {
            Unit unit = new Unit(row.get("unit"), row.get("dimension"), new BigDecimal(row.get("factor")));
            UNITS.put(key(unit.symbol()), unit);
            String aliases = row.get("aliases");
            if (aliases != null && !aliases.isBlank()) {
                for (String alias : aliases.split("\\|")) {
                    UNITS.put(key(alias), unit);
                }
            }
        }
    }

    static List<FunctionDefinition> definitions() {
        return List.of(new FunctionDefinition("convertUnit", "<xxx:x>", UnitFunctions::convert));
    }

    static Object convert(List<?> args) {
        BigDecimal value = Args.number("convertUnit", args, 0);
        String fromName = Args.string("convertUnit", args, 1);
        String toName = Args.string("convertUnit", args, 2);
        if (fromName == null || toName == null) {
            throw new FunctionException("convertUnit", "needs the unit to convert from and the unit to convert to");
        }
        Unit from = unit(fromName);
        Unit to = unit(toName);
        if (!from.dimension().equals(to.dimension())) {
            throw new FunctionException("convertUnit", "cannot convert " + from.dimension() + " (" + fromName
                    + ") to " + to.dimension() + " (" + toName + ")");
        }
        if (value == null) {
            return null;
        }
        BigDecimal result = value.multiply(from.factor()).divide(to.factor(), MathContext.DECIMAL64);
        return Args.jsonataNumber(result);
    }

    private static Unit unit(String name) {
        Unit unit = UNITS.get(key(name));
        if (unit == null) {
            throw new FunctionException("convertUnit", "unknown unit '" + name
                    + "' (mass: mg g kg t oz lb st ton; length: mm cm m km in ft yd mi;"
                    + " volume: ml cl dl l m3 tsp tbsp floz cup pt qt gal in3 ft3 impfloz imppt impgal)");
        }
        return unit;
    }

    private static String key(String name) {
        return name.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").replaceAll("\\.$", "");
    }
}
