package dev.tandem.core.mapping.functions;

import com.dashjoin.jsonata.Jsonata;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The transformation functions every JSONata mapping can call: dates, currency amounts, addresses, phone numbers,
 * names and units (the same for every flow), plus {@code $picklist} and {@code $lookup} over the value maps and
 * lookup tables a flow declares. Immutable; one instance can be shared by all mappings of a flow and by threads.
 *
 * <p>Functions return undefined for an undefined, null or blank value, so optional source fields need no guard;
 * a value they cannot handle raises a {@link FunctionException} (a {@link PicklistValueException} for a value a
 * picklist map does not list).
 */
public final class FunctionLibrary {

    private static final List<FunctionDefinition> STANDARD;

    static {
        List<FunctionDefinition> all = new ArrayList<>();
        all.addAll(DateFunctions.definitions());
        all.addAll(CurrencyFunctions.definitions());
        all.addAll(AddressFunctions.definitions());
        all.addAll(PhoneFunctions.definitions());
        all.addAll(NameFunctions.definitions());
        all.addAll(UnitFunctions.definitions());
        STANDARD = List.copyOf(all);
    }

    private static final FunctionLibrary STANDARD_LIBRARY = new FunctionLibrary(Map.of(), Map.of());

    /** A lookup table as a flow declares it: a file relative to the flow file's folder, and its key column (optional). */
    public record LookupTableSpec(String file, String keyColumn) {
        public LookupTableSpec {
            Objects.requireNonNull(file, "file");
        }

        public LookupTableSpec(String file) {
            this(file, null);
        }
    }

    private final PicklistFunctions picklists;
    private final LookupFunctions lookups;
    private final List<FunctionDefinition> definitions;

    private FunctionLibrary(Map<String, Map<String, String>> picklists, Map<String, LookupTable> lookups) {
        this.picklists = new PicklistFunctions(picklists);
        this.lookups = new LookupFunctions(lookups);
        List<FunctionDefinition> all = new ArrayList<>(STANDARD);
        all.addAll(this.picklists.definitions());
        all.addAll(this.lookups.definitions());
        this.definitions = List.copyOf(all);
    }

    /** The library for a flow that declares no picklist maps and no lookup tables. */
    public static FunctionLibrary standard() {
        return STANDARD_LIBRARY;
    }

    /** The library for a flow's picklist maps (name → source value → target value) and already loaded tables. */
    public static FunctionLibrary of(Map<String, Map<String, String>> picklists, Map<String, LookupTable> lookups) {
        return new FunctionLibrary(Objects.requireNonNull(picklists, "picklists"), Objects.requireNonNull(lookups, "lookups"));
    }

    /**
     * The library for a flow file: its picklist maps, and its lookup tables loaded from files resolved against
     * {@code flowFolder} (the folder of the flow file). A missing or malformed file is a {@link LookupTableException}
     * naming the file and the table.
     */
    public static FunctionLibrary load(Path flowFolder, Map<String, Map<String, String>> picklists,
                                       Map<String, LookupTableSpec> lookupTables) {
        Map<String, LookupTable> tables = new LinkedHashMap<>();
        lookupTables.forEach((name, spec) -> {
            Path file = flowFolder.resolve(spec.file()).normalize();
            try {
                tables.put(name, LookupTable.load(file, spec.keyColumn()));
            } catch (LookupTableException e) {
                throw e.forTable(name);
            }
        });
        return of(picklists, tables);
    }

    /** Binds every function on a compiled expression; call before the first evaluation. */
    public void registerOn(Jsonata expression) {
        for (FunctionDefinition definition : definitions) {
            expression.registerFunction(definition.name(), definition.toJsonata());
        }
    }

    /** The function names, without {@code $}, in documentation order. */
    /** The functions, as registered. */
    List<FunctionDefinition> definitions() {
        return definitions;
    }

    public Set<String> functionNames() {
        Set<String> names = new LinkedHashSet<>();
        definitions.forEach(d -> names.add(d.name()));
        return Collections.unmodifiableSet(names);
    }

    public Map<String, Map<String, String>> picklists() {
        return picklists.maps();
    }

    public Map<String, LookupTable> lookupTables() {
        return lookups.tables();
    }
}
