package com.harbor.inventory.security;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** Checks the X-Harbor-Signature header (hex HMAC-SHA256 of the body) of incoming webhooks. */
@Component
public class WebhookVerifier {

  private final byte[] secret;

  public WebhookVerifier(@Value("${inventory.webhook.secret}") String secret) {
    if (secret == null || secret.length() < 32) {
      throw new IllegalStateException("inventory.webhook.secret must be at least 32 characters");
    }
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  public boolean verify(byte[] body, String signatureHex) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] expected = mac.doFinal(body);
      byte[] given = HexFormat.of().parseHex(signatureHex);
      return MessageDigest.isEqual(expected, given);
    } catch (NoSuchAlgorithmException | InvalidKeyException | IllegalArgumentException e) {
      return false;
    }
  }
}
