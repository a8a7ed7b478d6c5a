package dev.tandem.sandbox.salesforce.soql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.sandbox.salesforce.soql.Condition.Operator;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoqlQueryParserTest {

    @Test
    void selectListWithParentRelationshipFields() {
        SoqlQuery query = SoqlQueryParser.parse(
                "SELECT Id, Name, Account.Clarity_Account_Key__c FROM Contact");

        assertThat(query.objectName()).isEqualTo("Contact");
        assertThat(query.count()).isFalse();
        assertThat(query.fields()).extracting(SoqlQuery.FieldPath::text)
                .containsExactly("Id", "Name", "Account.Clarity_Account_Key__c");
        assertThat(query.where()).isNull();
    }

    @Test
    void keywordsAreCaseInsensitiveAndOrderIsAnObjectName() {
        SoqlQuery query = SoqlQueryParser.parse("select id from Order order by OrderNumber desc nulls first limit 5");

        assertThat(query.objectName()).isEqualTo("Order");
        assertThat(query.orderBy()).singleElement().satisfies(o -> {
            assertThat(o.field().text()).isEqualTo("OrderNumber");
            assertThat(o.descending()).isTrue();
            assertThat(o.nullsFirst()).isTrue();
        });
        assertThat(query.limit()).isEqualTo(5);
    }

    @Test
    void countQuery() {
        SoqlQuery query = SoqlQueryParser.parse("SELECT COUNT() FROM Account");

        assertThat(query.count()).isTrue();
        assertThat(query.fields()).isEmpty();
    }

    @Test
    void comparisonOperatorsAndLiterals() {
        SoqlQuery query = SoqlQueryParser.parse("SELECT Id FROM Order WHERE Name = 'O\\'1' AND TotalAmount >= 10.5"
                + " AND TotalAmount < 100 AND EffectiveDate <= 2024-05-01 AND CreatedDate > 2024-05-01T10:00:00Z"
                + " AND IsDeleted != false AND Description = null AND Name LIKE 'A%' AND EndDate <> TODAY");

        Condition.And and = (Condition.And) query.where();
        assertThat(and.operands()).hasSize(9);
        Condition.Comparison name = (Condition.Comparison) and.operands().get(0);
        assertThat(name.operator()).isEqualTo(Operator.EQ);
        assertThat(((Literal.StringLiteral) name.value()).value()).isEqualTo("O'1");
        assertThat(((Literal.NumberLiteral) ((Condition.Comparison) and.operands().get(1)).value()).value())
                .isEqualByComparingTo(new BigDecimal("10.5"));
        assertThat(((Condition.Comparison) and.operands().get(2)).operator()).isEqualTo(Operator.LT);
        assertThat(((Literal.DateLiteral) ((Condition.Comparison) and.operands().get(3)).value()).value())
                .isEqualTo(LocalDate.of(2024, 5, 1));
        assertThat(((Literal.DateTimeLiteral) ((Condition.Comparison) and.operands().get(4)).value()).value())
                .isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(((Condition.Comparison) and.operands().get(5)).value()).isInstanceOf(Literal.BooleanLiteral.class);
        assertThat(((Condition.Comparison) and.operands().get(6)).value()).isInstanceOf(Literal.NullLiteral.class);
        assertThat(((Condition.Comparison) and.operands().get(7)).operator()).isEqualTo(Operator.LIKE);
        assertThat(((Condition.Comparison) and.operands().get(8)).operator()).isEqualTo(Operator.NEQ);
    }

    @Test
    void inAndNotInLists() {
        SoqlQuery query = SoqlQueryParser.parse(
                "SELECT Id FROM Account WHERE Clarity_Account_Key__c IN ('A', 'B') OR Name NOT IN ('C')");

        Condition.Or or = (Condition.Or) query.where();
        Condition.In in = (Condition.In) or.operands().get(0);
        Condition.In notIn = (Condition.In) or.operands().get(1);
        assertThat(in.negated()).isFalse();
        assertThat(in.values()).hasSize(2);
        assertThat(notIn.negated()).isTrue();
    }

    @Test
    void notAndParenthesesNest() {
        SoqlQuery query = SoqlQueryParser.parse(
                "SELECT Id FROM Account WHERE NOT (Name = 'A' OR Name = 'B') AND (Phone != null)");

        Condition.And and = (Condition.And) query.where();
        assertThat(and.operands().get(0)).isInstanceOf(Condition.Not.class);
        assertThat(((Condition.Not) and.operands().get(0)).operand()).isInstanceOf(Condition.Or.class);
        assertThat(and.operands().get(1)).isInstanceOf(Condition.Comparison.class);
    }

    @Test
    void limitAndOffset() {
        SoqlQuery query = SoqlQueryParser.parse("SELECT Id FROM Account ORDER BY Name ASC, Id LIMIT 10 OFFSET 20");

        assertThat(query.orderBy()).hasSize(2);
        assertThat(query.orderBy().get(0).descending()).isFalse();
        assertThat(query.orderBy().get(0).nullsFirst()).isTrue();
        assertThat(query.limit()).isEqualTo(10);
        assertThat(query.offset()).isEqualTo(20);
    }

    @Test
    void mixingAndWithOrWithoutParenthesesIsMalformed() {
        assertMalformed("SELECT Id FROM Account WHERE Name = 'A' AND Name = 'B' OR Name = 'C'", "OR");
    }

    @Test
    void syntaxErrorsAreMalformedQueryWithRowAndColumn() {
        ApiException e = assertMalformed("SELECT Id FROM", "<EOF>");

        assertThat(e.errors().getFirst().message()).contains("ERROR at Row:1:Column:15");
    }

    @Test
    void missingFromIsMalformed() {
        assertMalformed("SELECT Id, Name Account", "Account");
    }

    @Test
    void duplicateFieldIsMalformed() {
        ApiException e = assertMalformed("SELECT Id, id FROM Account", null);

        assertThat(e.errors().getFirst().message()).endsWith("duplicate field selected: id");
    }

    private static ApiException assertMalformed(String soql, String token) {
        ApiException[] thrown = new ApiException[1];
        assertThatThrownBy(() -> SoqlQueryParser.parse(soql)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.errors()).singleElement().satisfies(error -> {
                assertThat(error.errorCode()).isEqualTo("MALFORMED_QUERY");
                if (token != null) {
                    assertThat(error.message()).endsWith("unexpected token: '" + token + "'");
                }
            });
            thrown[0] = e;
        });
        return thrown[0];
    }

    @Test
    void likePatternsTranslateWildcards() {
        assertThat(QueryExecutor.likePattern("Ac%e_").matcher("acme corpX").matches()).isFalse();
        assertThat(QueryExecutor.likePattern("Ac%e_").matcher("ACME CORPEX").matches()).isTrue();
        assertThat(QueryExecutor.likePattern("100\\%").matcher("100%").matches()).isTrue();
        assertThat(List.of("100x")).noneMatch(s -> QueryExecutor.likePattern("100\\%").matcher(s).matches());
    }
}
