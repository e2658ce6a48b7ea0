package dev.oidcsso.provider.google;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oidcsso.spi.support.PemKeys;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateKey;
import java.util.List;
import java.util.Optional;

/**
 * The parts of a Google service account's JSON key file that the JWT-bearer grant needs.
 *
 * @param clientEmail  the service account's e-mail, the assertion's issuer
 * @param privateKey   the RSA key that signs the assertion
 * @param privateKeyId the key's id, sent as {@code kid}, or {@code null}
 * @param tokenUri     the token endpoint
 */
record ServiceAccountKey(String clientEmail, RSAPrivateKey privateKey, String privateKeyId, URI tokenUri) {

    /**
     * Reads the key file, reporting every problem with the setting's name (never the key itself).
     *
     * @param file     the path
     * @param problems where problems are reported
     * @return the key, or empty when unusable
     */
    static Optional<ServiceAccountKey> read(String file, List<String> problems) {
        String setting = GoogleSettings.SERVICE_ACCOUNT_FILE;
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            problems.add(setting + "='" + file + "' is not a readable file; download a JSON key of the service "
                    + "account (IAM & Admin → Service accounts → Keys → Add key → JSON)");
            return Optional.empty();
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(path.toFile());
        } catch (IOException e) {
            problems.add(setting + "='" + file + "' is not a JSON service account key file");
            return Optional.empty();
        }
        String email = text(json, "client_email");
        String pem = text(json, "private_key");
        if (email == null || pem == null) {
            problems.add(setting + "='" + file + "' lacks client_email or private_key; is it a service account key file?");
            return Optional.empty();
        }
        RSAPrivateKey key;
        try {
            key = PemKeys.rsaPrivateKey(pem);
        } catch (IllegalArgumentException e) {
            problems.add(setting + "='" + file + "': its private_key is " + e.getMessage());
            return Optional.empty();
        }
        URI tokenUri;
        try {
            tokenUri = URI.create(Optional.ofNullable(text(json, "token_uri")).orElse(GoogleSettings.DEFAULT_TOKEN_URL));
        } catch (IllegalArgumentException e) {
            problems.add(setting + "='" + file + "': its token_uri is not a URL");
            return Optional.empty();
        }
        return Optional.of(new ServiceAccountKey(email, key, text(json, "private_key_id"), tokenUri));
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node != null && node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    @Override
    public String toString() {
        return "ServiceAccountKey[clientEmail=" + clientEmail + ", privateKey=[redacted], tokenUri=" + tokenUri + "]";
    }
}
