package dev.oidcsso.session;

import dev.oidcsso.crypto.SealingKey;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.oidcsso.config.Secret;

/**
 * The session cookie is the most exposed parser: any value a client sends is opened. Nothing it
 * holds may throw; only sealed values this key made may open. Regression mode runs the committed
 * inputs under {@code SessionCodecFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class SessionCodecFuzzTest {

    private static final SessionCodec CODEC = new SessionCodec(SealingKey.fromSecret(Secret.of("fuzzing-key-of-at-least-32-characters!!")),
            new java.security.SecureRandom());

    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void anyCookieValueIsOpenedOrRefusedWithoutThrowing(FuzzedDataProvider data) {
        // The long is still consumed so that the committed inputs keep their meaning for the value.
        data.consumeLong(0, 4_000_000_000L);
        CODEC.decode(data.consumeRemainingAsString());
    }
}
