package dev.oidcsso.authz;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/** Reads the instruction count of a compiled RE2/J program, to check {@link RegexCost} against it (tests only). */
final class Re2jProgram {

    private Re2jProgram() {
    }

    static int size(String pattern) throws ReflectiveOperationException {
        Object re2j = com.google.re2j.Pattern.compile(pattern);
        Field re2 = re2j.getClass().getDeclaredField("re2");
        re2.setAccessible(true);
        Object re = re2.get(re2j);
        Field prog = re.getClass().getDeclaredField("prog");
        prog.setAccessible(true);
        Object program = prog.get(re);
        Method numInst = program.getClass().getDeclaredMethod("numInst");
        numInst.setAccessible(true);
        return (int) numInst.invoke(program);
    }
}
