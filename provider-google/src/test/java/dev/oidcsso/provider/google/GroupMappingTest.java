package dev.oidcsso.provider.google;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GroupMappingTest {

    static GroupMapping parse(String text) {
        List<String> problems = new ArrayList<>();
        GroupMapping mapping = GroupMapping.parse(text, problems);
        assertEquals(List.of(), problems);
        return mapping;
    }

    @Test
    void mapsAddressesDomainsAccountsAndEveryone() {
        GroupMapping mapping = parse("mlflow-admin=Boss@Example.com, sub:1122334455 ; mlflow=@example.com,partner@other.org;"
                + "viewers=*");
        assertEquals(List.of("mlflow-admin", "mlflow", "viewers"), mapping.groupsOf("9", Optional.of("boss@example.COM")));
        assertEquals(List.of("mlflow", "viewers"), mapping.groupsOf("9", Optional.of("jane@example.com")));
        assertEquals(List.of("viewers"), mapping.groupsOf("9", Optional.of("jane@sub.example.com")));
        assertEquals(List.of("mlflow", "viewers"), mapping.groupsOf("9", Optional.of("partner@other.org")));
        assertEquals(List.of("mlflow-admin"), mapping.groupsOf("1122334455", Optional.empty()));
        assertEquals(List.of(), mapping.groupsOf("9", Optional.empty()), "without a verified e-mail only sub: rules apply");
    }

    @Test
    void reportsEveryMalformedPart() {
        List<String> problems = new ArrayList<>();
        GroupMapping.parse("mlflow-admin;=a@b.com;mlflow=not-an-address,@nodot", problems);
        assertEquals(List.of(
                "OIDC_GOOGLE_GROUP_MAPPING entry 'mlflow-admin' is not group=member,member (for example mlflow=@example.com)",
                "OIDC_GOOGLE_GROUP_MAPPING entry '=a@b.com' is not group=member,member (for example mlflow=@example.com)",
                "OIDC_GOOGLE_GROUP_MAPPING member 'not-an-address' of group 'mlflow' is not an e-mail address, @domain, sub:<account id> or *",
                "OIDC_GOOGLE_GROUP_MAPPING member '@nodot' of group 'mlflow' is not an e-mail address, @domain, sub:<account id> or *"),
                problems);
    }

    @Test
    void anEmptyMappingIsReported() {
        List<String> problems = new ArrayList<>();
        GroupMapping.parse(" ; ", problems);
        assertEquals(1, problems.size());
        assertEquals(true, problems.get(0).startsWith("OIDC_GOOGLE_GROUP_MAPPING maps nobody to a group"));
    }
}
