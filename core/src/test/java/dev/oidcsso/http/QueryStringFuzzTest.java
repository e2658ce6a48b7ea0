package dev.oidcsso.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Map;

/** Any query string parses into at most 64 named parameters, without throwing. */
class QueryStringFuzzTest {

    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void anyQueryParses(FuzzedDataProvider data) {
        Map<String, String> parameters = QueryString.parse(data.consumeRemainingAsString());
        if (parameters.size() > 64 || parameters.containsKey("")) {
            throw new IllegalStateException("parsed " + parameters.size() + " parameters, or an empty name");
        }
    }
}
