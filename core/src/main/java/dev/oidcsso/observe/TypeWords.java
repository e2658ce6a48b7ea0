package dev.oidcsso.observe;

/**
 * The snake-case word an event names a type by ({@code BearerAuthenticator} becomes {@code bearer},
 * {@code TokenValidationException} {@code token_validation}), worked out once per type: an
 * authenticator's name is wanted on every authenticated request.
 */
final class TypeWords {

    /** Authenticators' words, without the {@code Authenticator} suffix. */
    static final ClassValue<String> AUTHENTICATORS = words("Authenticator");
    /** Exceptions' words, without the {@code Exception} suffix. */
    static final ClassValue<String> EXCEPTIONS = words("Exception");

    private TypeWords() {
    }

    private static ClassValue<String> words(String suffix) {
        return new ClassValue<>() {
            @Override
            protected String computeValue(Class<?> type) {
                return word(type.getSimpleName(), suffix);
            }
        };
    }

    private static String word(String typeName, String suffix) {
        String name = typeName.endsWith(suffix) ? typeName.substring(0, typeName.length() - suffix.length()) : typeName;
        if (name.isEmpty()) {
            return "other";
        }
        StringBuilder snake = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                snake.append('_');
            }
            snake.append(Character.toLowerCase(c));
        }
        return snake.toString();
    }
}
