package dev.tandem.sandbox.salesforce.soql;

import dev.tandem.sandbox.salesforce.soql.SoqlQuery.Position;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/** A literal value in a SOQL condition. */
public sealed interface Literal {

    Position position();

    record StringLiteral(String value, Position position) implements Literal {
    }

    record NumberLiteral(BigDecimal value, Position position) implements Literal {
    }

    record BooleanLiteral(boolean value, Position position) implements Literal {
    }

    record NullLiteral(Position position) implements Literal {
    }

    record DateLiteral(LocalDate value, Position position) implements Literal {
    }

    record DateTimeLiteral(Instant value, Position position) implements Literal {
    }

    /** TODAY, YESTERDAY, TOMORROW: resolved against the sandbox clock when the query runs. */
    record RelativeDate(String keyword, int dayOffset, Position position) implements Literal {
    }

    /**
     * LAST_N_DAYS:n and NEXT_N_DAYS:n: a range of days relative to today (inclusive offsets). {@code =} means
     * inside the range, {@code <} before its first day, {@code >} after its last day.
     */
    record RelativeDateRange(String keyword, int fromOffset, int toOffset, Position position) implements Literal {
    }
}
