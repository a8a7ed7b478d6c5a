package dev.tandem.core.mapping.functions;

import com.dashjoin.jsonata.Jsonata;

import java.util.List;

/**
 * One function of the library: its name (without {@code $}), its JSONata signature and its body.
 *
 * <p>Every parameter is declared as {@code x} (any value, undefined included) so that the function itself decides
 * what undefined means (it returns undefined) and gives its own error messages; the signature still tells JSONata
 * the arity, which higher-order functions such as {@code $map(phones, $toE164)} need. Signature syntax:
 * https://docs.jsonata.org/embedding-extending#function-signature-syntax ("Function signature syntax").
 */
record FunctionDefinition(String name, String signature, Body body) {

    @FunctionalInterface
    interface Body {
        Object call(List<?> args);
    }

    /** A fresh JSONata function object (the signature object is per registration: binding renames it). */
    Jsonata.JFunction toJsonata() {
        return new Jsonata.JFunction((input, args) -> body.call(args), signature);
    }
}
