package dev.tandem.sandbox.salesforce.soql;

import dev.tandem.sandbox.salesforce.soql.SoqlQuery.FieldPath;
import java.util.List;

/** A WHERE-clause condition. */
public sealed interface Condition {

    record And(List<Condition> operands) implements Condition {
        public And {
            operands = List.copyOf(operands);
        }
    }

    record Or(List<Condition> operands) implements Condition {
        public Or {
            operands = List.copyOf(operands);
        }
    }

    record Not(Condition operand) implements Condition {
    }

    record Comparison(FieldPath field, Operator operator, Literal value) implements Condition {
    }

    record In(FieldPath field, boolean negated, List<Literal> values) implements Condition {
        public In {
            values = List.copyOf(values);
        }
    }

    enum Operator {
        EQ, NEQ, LT, LTE, GT, GTE, LIKE
    }
}
