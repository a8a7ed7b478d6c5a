package dev.tandem.core.mapping.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.mapping.JsonataMapping;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.tandem.core.mapping.functions.FunctionTesting.JSON;
import static org.assertj.core.api.Assertions.assertThat;

class FunctionLibraryTest {

    @Test
    void theStandardLibraryHasEveryFunctionGroup() {
        assertThat(FunctionLibrary.standard().functionNames()).containsExactly(
                "toIsoDate", "toIsoDateTime",
                "roundAmount", "currencyCode", "isCurrencyCode", "currencyDigits",
                "countryCode", "countryAlpha3", "countryName", "isCountry", "subdivisionCode", "stateCode", "subdivisionName",
                "toE164", "isValidPhone",
                "splitName", "joinName",
                "convertUnit",
                "picklist", "lookup", "lookupRows");
    }

    @Test
    void theOldCompileSignatureRegistersTheStandardLibrary() throws Exception {
        JsonNode out = JsonataMapping.compile("m", "{'country': $countryCode(c), 'phone': $toE164(p, c)}")
                .apply(JSON.readTree("{\"c\": \"Canada\", \"p\": \"416-555-0199\"}"));

        assertThat(out.toString()).isEqualTo("{\"country\":\"CA\",\"phone\":\"+14165550199\"}");
    }

    @Test
    void aMappingCombinesFunctionsOfSeveralGroups() throws Exception {
        FunctionLibrary lib = FunctionLibrary.of(Map.of("type", Map.of("Business", "B2B")), Map.of());
        String mapping = """
                (
                  $name := $splitName(customer.name);
                  {
                    'FirstName': $name.first,
                    'LastName': $name.last,
                    'RecordType': $picklist(customer.type, 'type'),
                    'BillingCountryCode': $countryCode(customer.country),
                    'BillingStateCode': $stateCode(customer.state, customer.country),
                    'EffectiveDate': $toIsoDate(created, 'America/Chicago'),
                    'TotalAmount': $roundAmount(total, currency),
                    'Weight__c': $convertUnit(weightLb, 'lb', 'kg')
                  }
                )""";
        JsonNode out = JsonataMapping.compile("m", mapping, lib).apply(JSON.readTree("""
                {"customer": {"name": "Doe, Jane", "type": "Business", "country": "USA", "state": "Texas"},
                 "created": "/Date(1700000000000)/", "total": 2395.984, "currency": "USD", "weightLb": 10}"""));

        assertThat(out.toString()).isEqualTo("{\"FirstName\":\"Jane\",\"LastName\":\"Doe\",\"RecordType\":\"B2B\","
                + "\"BillingCountryCode\":\"US\",\"BillingStateCode\":\"TX\",\"EffectiveDate\":\"2023-11-14\","
                + "\"TotalAmount\":2395.98,\"Weight__c\":4.5359237}");
    }

    @Test
    void oneLibraryServesMappingsAppliedFromManyThreads() throws Exception {
        JsonataMapping mapping = JsonataMapping.compile("m", "$toE164(p, 'US') & '|' & $toIsoDate(d)");
        List<Callable<String>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = 1000 + i;
            calls.add(() -> mapping.apply(JSON.readTree("{\"p\": \"650-253-" + n + "\", \"d\": \"2026-11-30T14:05:00\"}")).asText());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = pool.invokeAll(calls);
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo("+1650253" + (1000 + i) + "|2026-11-30");
            }
        } finally {
            pool.shutdown();
        }
    }
}
