package dev.oidcsso.observe;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ForeignTextTest {

    @Test
    void controlCharactersAndLineSeparatorsBecomeQuestionMarks() {
        assertEquals("a?b?c?d?e?f", ForeignText.oneLine("a\rb\nc\u001bd\u2028e\u0000f", 100));
    }

    @Test
    void longTextIsCutAndSaysSo() {
        assertEquals("abc...", ForeignText.oneLine("abcdef", 3));
        assertEquals("abc", ForeignText.oneLine("abc", 3));
    }

    @Test
    void ordinaryTextIsKeptAsItIs() {
        assertEquals("Grant revoked: déjà \"vu\" = ok", ForeignText.oneLine("Grant revoked: déjà \"vu\" = ok", 100));
        assertEquals("null", ForeignText.oneLine(null, 10));
    }
}
