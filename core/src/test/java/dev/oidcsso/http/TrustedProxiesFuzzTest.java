package dev.oidcsso.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.ArrayList;
import java.util.List;

/**
 * OIDC_TRUSTED_PROXIES entries and peer addresses: any text is a range or a reported problem, and
 * any address is trusted or not, without throwing; an empty list trusts nobody.
 */
class TrustedProxiesFuzzTest {

    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void anyRangeListAndAddressAreHandled(FuzzedDataProvider data) {
        List<String> entries = new ArrayList<>();
        int count = data.consumeInt(0, 4);
        for (int i = 0; i < count; i++) {
            entries.add(data.consumeString(60));
        }
        List<String> problems = new ArrayList<>();
        TrustedProxies proxies = TrustedProxies.parse(entries, problems);
        String address = data.consumeRemainingAsString();
        boolean trusted = proxies.trusts(address);
        if (proxies.isEmpty() && trusted) {
            throw new IllegalStateException("an empty list trusted " + address);
        }
        if (problems.size() > entries.size()) {
            throw new IllegalStateException("more problems than entries");
        }
    }
}
