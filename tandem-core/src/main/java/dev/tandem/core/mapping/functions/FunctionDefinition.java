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

    /**
     * A fresh JSONata function object (the signature object is per registration: binding renames it). Arguments are
     * checked against the signature by the function itself when every parameter is {@code x} (all of the library's
     * functions): the library's generic check ({@code Signature.validate}) builds a string and runs regular
     * expressions on every call, which a mapping run over 100,000 customers made a tenth of its time. The result is
     * the same: the arguments padded with undefined up to the parameter count, and too many or too few arguments are refused
     * by the generic check itself, with its error (T0410).
     */
    Jsonata.JFunction toJsonata() {
        int params = anyValueParams(signature);
        int required = requiredParams(signature);
        if (params < 0) {
            return new Jsonata.JFunction((input, args) -> body.call(args), signature);
        }
        return new Jsonata.JFunction((input, args) -> body.call(args), signature) {
            @Override
            public Object validate(Object args, Object context) {
                if (!(args instanceof List<?> list) || list.size() > params || list.size() < required) {
                    return super.validate(args, context);
                }
                if (list.size() == params) {
                    return list;
                }
                List<Object> padded = new java.util.ArrayList<>(params);
                padded.addAll(list);
                while (padded.size() < params) {
                    padded.add(null);
                }
                return padded;
            }
        };
    }

    /** The parameters of such a signature that are not optional ({@code x} without {@code ?}). */
    static int requiredParams(String signature) {
        if (anyValueParams(signature) < 0) {
            return -1;
        }
        String params = signature.substring(1, signature.indexOf(':'));
        int count = 0;
        for (int i = 0; i < params.length(); i++) {
            if (params.charAt(i) == 'x' && (i + 1 == params.length() || params.charAt(i + 1) != '?')) {
                count++;
            }
        }
        return count;
    }

    /** The number of parameters of a signature whose parameters are all {@code x} or {@code x?}, else -1. */
    static int anyValueParams(String signature) {
        if (signature == null || !signature.startsWith("<") || signature.indexOf(':') < 0) {
            return -1;
        }
        String params = signature.substring(1, signature.indexOf(':'));
        int count = 0;
        for (int i = 0; i < params.length(); i++) {
            char c = params.charAt(i);
            if (c == 'x') {
                count++;
            } else if (c != '?' || i == 0 || params.charAt(i - 1) != 'x') {
                return -1;
            }
        }
        return count;
    }
}
