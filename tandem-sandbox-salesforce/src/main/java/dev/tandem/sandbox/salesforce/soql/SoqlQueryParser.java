package dev.tandem.sandbox.salesforce.soql;

import dev.tandem.sandbox.salesforce.soql.Condition.Operator;
import dev.tandem.sandbox.salesforce.soql.SoqlQuery.FieldPath;
import dev.tandem.sandbox.salesforce.soql.SoqlQuery.OrderBy;
import dev.tandem.sandbox.salesforce.soql.SoqlQuery.Position;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/** Parses SOQL text with the ANTLR grammar {@code Soql.g4} into a {@link SoqlQuery}. */
public final class SoqlQueryParser {

    private static final DateTimeFormatter DATETIME_LITERAL =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSSSSSSSS][.SSSSSS][.SSS][.SS][.S][XXX][XX]",
                    Locale.ROOT);

    private SoqlQueryParser() {
    }

    /** @throws ApiException MALFORMED_QUERY on a syntax error */
    public static SoqlQuery parse(String soql) {
        SoqlLexer lexer = new SoqlLexer(CharStreams.fromString(soql));
        SoqlParser parser = new SoqlParser(new CommonTokenStream(lexer));
        ThrowingListener listener = new ThrowingListener(soql);
        lexer.removeErrorListeners();
        lexer.addErrorListener(listener);
        parser.removeErrorListeners();
        parser.addErrorListener(listener);
        SoqlParser.QueryContext query;
        try {
            query = parser.query();
        } catch (ParseCancellationException e) {
            throw new IllegalStateException("the error listener throws before ANTLR cancels", e);
        }
        return new Builder(soql).query(query);
    }

    private static final class ThrowingListener extends BaseErrorListener {
        private final String soql;

        ThrowingListener(String soql) {
            this.soql = soql;
        }

        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
                String msg, RecognitionException e) {
            String token = offendingSymbol instanceof Token t
                    ? (t.getType() == Token.EOF ? "<EOF>" : t.getText()) : msg;
            throw QueryErrors.malformed(soql, new Position(line, charPositionInLine + 1),
                    "unexpected token: '" + token + "'");
        }
    }

    /** Turns the parse tree into the immutable AST. */
    private record Builder(String soql) {

        SoqlQuery query(SoqlParser.QueryContext ctx) {
            boolean count = ctx.selectList() instanceof SoqlParser.CountSelectContext;
            List<FieldPath> fields = new ArrayList<>();
            if (ctx.selectList() instanceof SoqlParser.FieldSelectContext select) {
                for (SoqlParser.FieldPathContext path : select.fieldPath()) {
                    FieldPath field = fieldPath(path);
                    if (fields.stream().anyMatch(f -> f.text().equalsIgnoreCase(field.text()))) {
                        throw QueryErrors.malformed(soql, field.position(), "duplicate field selected: "
                                + field.text());
                    }
                    fields.add(field);
                }
            }
            Condition where = ctx.whereClause() == null ? null : condition(ctx.whereClause().condition());
            List<OrderBy> orderBy = new ArrayList<>();
            if (ctx.orderByClause() != null) {
                for (SoqlParser.OrderItemContext item : ctx.orderByClause().orderItem()) {
                    boolean descending = item.direction != null && item.direction.getType() == SoqlLexer.DESC;
                    boolean nullsFirst = item.nulls == null ? !descending : item.nulls.getType() == SoqlLexer.FIRST;
                    orderBy.add(new OrderBy(fieldPath(item.fieldPath()), descending, nullsFirst));
                }
            }
            Integer limit = ctx.limitClause() == null ? null : integer(ctx.limitClause().NUMBER().getSymbol());
            Integer offset = ctx.offsetClause() == null ? null : integer(ctx.offsetClause().NUMBER().getSymbol());
            Token object = ctx.objectName.getStart();
            return new SoqlQuery(soql, position(object), object.getText(), count, fields, where, orderBy, limit,
                    offset);
        }

        private Condition condition(SoqlParser.ConditionContext ctx) {
            List<Condition> operands = ctx.unaryCondition().stream().map(this::unary).toList();
            if (operands.size() == 1) {
                return operands.getFirst();
            }
            return ctx.AND().isEmpty() ? new Condition.Or(operands) : new Condition.And(operands);
        }

        private Condition unary(SoqlParser.UnaryConditionContext ctx) {
            return switch (ctx) {
                case SoqlParser.NotConditionContext not -> new Condition.Not(unary(not.unaryCondition()));
                case SoqlParser.GroupConditionContext group -> condition(group.condition());
                case SoqlParser.ComparisonConditionContext cmp -> new Condition.Comparison(fieldPath(cmp.fieldPath()),
                        operator(cmp.operator().getStart()), literal(cmp.literal()));
                case SoqlParser.InConditionContext in -> new Condition.In(fieldPath(in.fieldPath()), in.NOT() != null,
                        in.literal().stream().map(this::literal).toList());
                default -> throw new IllegalStateException("unknown condition " + ctx.getClass());
            };
        }

        private static Operator operator(Token token) {
            return switch (token.getType()) {
                case SoqlLexer.EQ -> Operator.EQ;
                case SoqlLexer.NEQ -> Operator.NEQ;
                case SoqlLexer.LT -> Operator.LT;
                case SoqlLexer.LTE -> Operator.LTE;
                case SoqlLexer.GT -> Operator.GT;
                case SoqlLexer.GTE -> Operator.GTE;
                case SoqlLexer.LIKE -> Operator.LIKE;
                default -> throw new IllegalStateException("unknown operator " + token.getText());
            };
        }

        private Literal literal(SoqlParser.LiteralContext ctx) {
            Token token = ctx.getStart();
            Position position = position(token);
            String text = token.getText();
            return switch (token.getType()) {
                case SoqlLexer.STRING -> new Literal.StringLiteral(unescape(text.substring(1, text.length() - 1)),
                        position);
                case SoqlLexer.NUMBER -> new Literal.NumberLiteral(new BigDecimal(text), position);
                case SoqlLexer.TRUE -> new Literal.BooleanLiteral(true, position);
                case SoqlLexer.FALSE -> new Literal.BooleanLiteral(false, position);
                case SoqlLexer.NULL -> new Literal.NullLiteral(position);
                case SoqlLexer.TODAY -> new Literal.RelativeDate("TODAY", 0, position);
                case SoqlLexer.YESTERDAY -> new Literal.RelativeDate("YESTERDAY", -1, position);
                case SoqlLexer.TOMORROW -> new Literal.RelativeDate("TOMORROW", 1, position);
                case SoqlLexer.N_DAYS -> {
                    int colon = text.indexOf(':');
                    int days;
                    try {
                        days = Integer.parseInt(text.substring(colon + 1));
                    } catch (NumberFormatException e) {
                        throw QueryErrors.malformed(soql, position, "line " + position.row() + ":"
                                + position.column() + " no viable alternative at character '" + text + "'");
                    }
                    String keyword = text.substring(0, colon).toUpperCase(java.util.Locale.ROOT);
                    yield keyword.equals("LAST_N_DAYS") ? new Literal.RelativeDateRange(keyword, -days, 0, position)
                            : new Literal.RelativeDateRange(keyword, 1, days, position);
                }
                case SoqlLexer.DATE -> new Literal.DateLiteral(date(text, position), position);
                case SoqlLexer.DATETIME -> new Literal.DateTimeLiteral(dateTime(text, position), position);
                default -> throw new IllegalStateException("unknown literal " + text);
            };
        }

        private LocalDate date(String text, Position position) {
            try {
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                throw QueryErrors.malformed(soql, position, "line " + position.row() + ":" + position.column()
                        + " no viable alternative at character '" + text + "'");
            }
        }

        private Instant dateTime(String text, Position position) {
            try {
                return OffsetDateTime.parse(text.toUpperCase(Locale.ROOT), DATETIME_LITERAL).toInstant();
            } catch (DateTimeParseException e) {
                throw QueryErrors.malformed(soql, position, "line " + position.row() + ":" + position.column()
                        + " no viable alternative at character '" + text + "'");
            }
        }

        private FieldPath fieldPath(SoqlParser.FieldPathContext ctx) {
            return new FieldPath(ctx.identifier().stream().map(i -> i.getText()).toList(), position(ctx.getStart()));
        }

        private Integer integer(Token token) {
            try {
                return Integer.valueOf(token.getText());
            } catch (NumberFormatException e) {
                throw QueryErrors.malformed(soql, position(token), "unexpected token: '" + token.getText() + "'");
            }
        }

        private static Position position(Token token) {
            return new Position(token.getLine(), token.getCharPositionInLine() + 1);
        }

        /** SOQL string escapes: \' \" \\ \n \r \t \b \f, and \% \_ which stay escaped for LIKE. */
        private static String unescape(String body) {
            StringBuilder out = new StringBuilder(body.length());
            for (int i = 0; i < body.length(); i++) {
                char c = body.charAt(i);
                if (c != '\\' || i + 1 == body.length()) {
                    out.append(c);
                    continue;
                }
                char next = body.charAt(++i);
                switch (next) {
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case '%', '_' -> out.append('\\').append(next);
                    default -> out.append(next);
                }
            }
            return out.toString();
        }
    }
}
