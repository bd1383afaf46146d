package io.incidenttracker.query.webhook;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The signing, the encryption of secrets at rest and the SSRF guard, without a service. */
class WebhookSecurityTest {

    @Test
    void theSignatureMatchesTheStandardWebhooksReferenceVector() {
        // the example of the Standard Webhooks specification's reference libraries
        String signature = WebhookSignature.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, "{\"test\": 2432232314}");
        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void duringARotationTheHeaderCarriesOneSignaturePerSecretSpaceSeparated() {
        String a = WebhookSignature.newSecret();
        String b = WebhookSignature.newSecret();
        String header = WebhookSignature.header(List.of(a, b), "msg_1", 1700000000L, "{}");
        assertThat(header.split(" ")).containsExactly(WebhookSignature.sign(a, "msg_1", 1700000000L, "{}"),
                                                      WebhookSignature.sign(b, "msg_1", 1700000000L, "{}"));
    }

    @Test
    void aNewSecretIsWhsecAndTheBase64Of32RandomBytes() {
        String secret = WebhookSignature.newSecret();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
        assertThat(WebhookSignature.newSecret()).isNotEqualTo(secret);
    }

    @Test
    void aSecretEncryptedAtRestDecryptsOnlyWithItsKeyAndForItsSubscription() {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        SecretCipher cipher = new SecretCipher(key);
        byte[] stored = cipher.encrypt("whsec_abc", "subscription-1");
        assertThat(cipher.decrypt(stored, "subscription-1")).isEqualTo("whsec_abc");
        assertThat(cipher.encrypt("whsec_abc", "subscription-1")).isNotEqualTo(stored); // a fresh nonce each time
        assertThatThrownBy(() -> cipher.decrypt(stored, "subscription-2")).isInstanceOf(IllegalStateException.class);
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;
        assertThatThrownBy(() -> new SecretCipher(Base64.getEncoder().encodeToString(otherKey))
                .decrypt(stored, "subscription-1")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void withoutAKeyOrWithAShortOneTheServiceDoesNotStart() {
        assertThatThrownBy(() -> new SecretCipher(null)).hasMessageContaining("INCIDENT_WEBHOOK_SECRET_KEY");
        assertThatThrownBy(() -> new SecretCipher(Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("32 bytes");
    }

    @Test
    void inProductionOnlyHttpsUrlsToPublicAddressesAreAccepted() {
        TargetPolicy production = new TargetPolicy(false);
        assertThat(production.refusal("http://93.184.216.34/hook")).contains("must be an https URL");
        assertThat(production.refusal("https://127.0.0.1/hook")).hasValueSatisfying(r -> assertThat(r)
                .contains("not a public address"));
        assertThat(production.refusal("https://localhost/hook")).isPresent();
        assertThat(production.refusal("https://10.1.2.3/hook")).isPresent();
        assertThat(production.refusal("https://169.254.169.254/latest/meta-data")).isPresent();
        assertThat(production.refusal("https://[::1]/hook")).isPresent();
        assertThat(production.refusal("https://[fd00::1]/hook")).isPresent();
        assertThat(production.refusal("https://[::ffff:192.168.1.1]/hook")).isPresent();
        assertThat(production.refusal("https://user:pw@93.184.216.34/hook")).isPresent();
        assertThat(production.refusal("https://93.184.216.34/hook")).isEmpty();
        assertThat(production.refusal("https://[2606:4700::1111]/hook")).isEmpty();
    }

    @Test
    void forLocalUseHttpAndLoopbackAreAccepted() {
        TargetPolicy local = new TargetPolicy(true);
        assertThat(local.refusal("http://127.0.0.1:8080/hook")).isEmpty();
        assertThat(local.refusal("ftp://127.0.0.1/hook")).isPresent();
    }

    @Test
    void privateLoopbackLinkLocalSharedAndReservedAddressesAreNotPublic() throws Exception {
        for (String address : List.of("0.0.0.0", "10.0.0.1", "100.64.0.1", "127.0.0.1", "169.254.169.254",
                "172.16.0.1", "172.31.255.255", "192.0.0.1", "192.0.2.1", "192.168.0.1", "198.18.0.1",
                "198.51.100.1", "203.0.113.1", "224.0.0.1", "255.255.255.255", "::", "::1", "fc00::1", "fe80::1",
                "ff02::1", "2001:db8::1", "::ffff:10.0.0.1", "2002:0a00:0001::1", "64:ff9b::a00:1")) {
            assertThat(TargetPolicy.isPublic(InetAddress.getByName(address))).as(address).isFalse();
        }
        for (String address : List.of("8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700::1111",
                "::ffff:8.8.8.8")) {
            assertThat(TargetPolicy.isPublic(InetAddress.getByName(address))).as(address).isTrue();
        }
    }
}
