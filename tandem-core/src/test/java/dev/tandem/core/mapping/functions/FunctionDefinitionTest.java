package dev.tandem.core.mapping.functions;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import dev.tandem.core.mapping.JsonataMapping;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class FunctionDefinitionTest {

    private static final List<Object> VALUES = Arrays.asList("text", 12, 1.5, true, null, List.of("a"), Map.of("k", 1));

    @Test
    void theOwnArgumentCheckGivesWhatTheLibrarysSignatureCheckGivesForEveryFunctionAndArgumentCount() {
        FunctionLibrary library = FunctionLibrary.of(Map.of("p", Map.of("a", "b")), Map.of());
        int checked = 0;
        for (FunctionDefinition definition : library.definitions()) {
            Jsonata.JFunction own = definition.toJsonata();
            Jsonata.JFunction generic = new Jsonata.JFunction((input, args) -> null, definition.signature());
            int params = FunctionDefinition.anyValueParams(definition.signature());
            assertThat(params).as(definition.name() + " " + definition.signature()).isPositive();
            for (int count = 0; count <= params + 1; count++) {
                for (Object value : VALUES) {
                    List<Object> args = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        args.add(i % 2 == 0 ? value : VALUES.get(i % VALUES.size()));
                    }
                    Throwable expected = catchThrowable(() -> generic.validate(new ArrayList<>(args), "ctx"));
                    Throwable actual = catchThrowable(() -> own.validate(new ArrayList<>(args), "ctx"));
                    String what = definition.name() + " " + definition.signature() + " with " + args;
                    if (expected != null) {
                        assertThat(expected).isInstanceOf(JException.class);
                        // the same error (the message names the function as registered)
                        assertThat(actual).as(what + ": " + expected.getMessage()).isInstanceOf(JException.class);
                        assertThat(((JException) actual).getError()).isEqualTo(((JException) expected).getError());
                    } else {
                        assertThat(actual).as(what).isNull();
                        assertThat(own.validate(new ArrayList<>(args), "ctx")).as(what)
                                .isEqualTo(generic.validate(new ArrayList<>(args), "ctx"));
                    }
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(100);
    }

    @Test
    void onlySignaturesOfAnyValueParametersTakeTheOwnCheck() {
        assertThat(FunctionDefinition.anyValueParams("<xx?x?:x>")).isEqualTo(3);
        assertThat(FunctionDefinition.anyValueParams("<x:b>")).isEqualTo(1);
        assertThat(FunctionDefinition.anyValueParams("<s-:s>")).isEqualTo(-1);
        assertThat(FunctionDefinition.anyValueParams("<x?:x>")).isEqualTo(1);
        assertThat(FunctionDefinition.anyValueParams("<?x:x>")).isEqualTo(-1);
        assertThat(FunctionDefinition.anyValueParams("<a<s>:x>")).isEqualTo(-1);
        assertThat(FunctionDefinition.anyValueParams(null)).isEqualTo(-1);
        assertThat(FunctionDefinition.requiredParams("<xx?x?:x>")).isEqualTo(1);
        assertThat(FunctionDefinition.requiredParams("<xxx:x>")).isEqualTo(3);
    }

    @Test
    void tooManyArgumentsInAMappingAreStillRefusedWithJsonatasError() {
        JsonataMapping m = JsonataMapping.compile("m", "$countryCode('US', 'extra')", FunctionLibrary.standard());
        assertThatThrownBy(() -> m.apply(FunctionTesting.JSON.createObjectNode()))
                .hasMessageContaining("does not match");
        // and a higher-order use still sees the arity: $map passes only the value to a one-parameter function
        assertThat(JsonataMapping.compile("m", "$map(['usa', 'Canada'], $countryCode)", FunctionLibrary.standard())
                .apply(FunctionTesting.JSON.createObjectNode()).toString()).isEqualTo("[\"US\",\"CA\"]");
    }
}
