package dev.oidcsso.demo;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away self-signed TLS certificate for {@code localhost} and {@code 127.0.0.1}, made in the
 * test so that no key material is checked in and nothing expires in the repository.
 *
 * <p>It is made with {@code keytool} of the running JDK: that tool is always there when the tests
 * run, whereas Bouncy Castle is only a transitive dependency of the development IdP and the
 * {@code openssl} command line is not guaranteed on every developer machine. The key is then
 * written as PKCS#8 PEM with the JDK alone, because nginx reads PEM, not PKCS#12.
 */
final class SelfSignedCertificate {

    private static final String ALIAS = "localhost";

    private final Path certificatePem;
    private final Path privateKeyPem;
    private final Certificate certificate;

    private SelfSignedCertificate(Path certificatePem, Path privateKeyPem, Certificate certificate) {
        this.certificatePem = certificatePem;
        this.privateKeyPem = privateKeyPem;
        this.certificate = certificate;
    }

    /**
     * Makes a certificate valid for two days in {@code directory}.
     *
     * @param directory where the key store and the PEM files go
     * @return the certificate
     * @throws IOException when keytool fails
     * @throws GeneralSecurityException when the key store cannot be read back
     */
    static SelfSignedCertificate create(Path directory) throws IOException, GeneralSecurityException {
        Path keyStore = directory.resolve("localhost.p12");
        // A random password: the store lives only for this test run, but a fixed one would be a
        // password in source, which we never write.
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        char[] password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret).toCharArray();
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        ProcessBuilder builder = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                // -storepass:env keeps the password out of the process list.
                "-storepass:env", "KEYSTORE_PASSWORD"))
                .redirectErrorStream(true);
        builder.environment().put("KEYSTORE_PASSWORD", new String(password));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for keytool", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool failed with status " + process.exitValue() + ": " + output);
        }

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, password);
        }
        Key key = store.getKey(ALIAS, password);
        Certificate certificate = store.getCertificate(ALIAS);
        if (!(key instanceof PrivateKey privateKey) || certificate == null) {
            throw new GeneralSecurityException("keytool wrote no key pair under alias " + ALIAS);
        }
        Path certificatePem = directory.resolve("localhost.crt");
        Path privateKeyPem = directory.resolve("localhost.key");
        Files.writeString(certificatePem, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
        // PrivateKey.getEncoded() is PKCS#8, which is what "BEGIN PRIVATE KEY" holds.
        Files.writeString(privateKeyPem, pem("PRIVATE KEY", privateKey.getEncoded()), StandardCharsets.US_ASCII);
        return new SelfSignedCertificate(certificatePem, privateKeyPem, certificate);
    }

    /** @return the certificate as PEM, for nginx's {@code ssl_certificate} */
    Path certificatePem() {
        return certificatePem;
    }

    /** @return the private key as PKCS#8 PEM, for nginx's {@code ssl_certificate_key} */
    Path privateKeyPem() {
        return privateKeyPem;
    }

    /**
     * A TLS context that trusts this certificate and nothing else, so the test client really
     * verifies the proxy's certificate and host name instead of switching verification off.
     *
     * @return the context
     * @throws GeneralSecurityException when the JDK cannot build it
     */
    SSLContext clientContext() throws GeneralSecurityException {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry(ALIAS, certificate);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), new SecureRandom());
            return context;
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot build an in-memory trust store", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
