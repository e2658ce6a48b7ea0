package dev.oidcsso.authz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Rule patterns: any text is accepted or refused with 400, never an Error; what is accepted builds
 * no more instructions than measured and than the limit (RE2/J's own program is read to check), and
 * matches any name without throwing.
 */
class RegexPatternFuzzTest {

    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void patternsAreRefusedOrBounded(FuzzedDataProvider data) throws ReflectiveOperationException {
        String name = data.consumeString(Resource.MAX_NAME_LENGTH);
        String source = data.consumeRemainingAsString();
        RegexPattern pattern;
        try {
            pattern = RegexPattern.compile(source);
        } catch (PermissionInputException e) {
            return;
        }
        int built = Re2jProgram.size(source);
        long measured = RegexCost.of(source).size();
        if (built > measured || built > RegexPattern.MAX_PROGRAM_SIZE) {
            throw new IllegalStateException("'" + source + "' measured " + measured + " but RE2/J built " + built);
        }
        pattern.matches(name);
    }
}
