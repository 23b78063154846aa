package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import ir.flatrender.gateway.http.Problem;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Short-lived access tokens: JWTs signed with HMAC-SHA256 (Nimbus JOSE+JWT) under a key ring.
 * The first key signs; every key verifies, chosen by the token's {@code kid}. Rotation is
 * adding a new key first and dropping the old one once the tokens it signed have expired
 * (an access token's lifetime).
 */
public final class AccessTokens {
    static final String ISSUER = "flatrender-gateway";
    static final String AUDIENCE = "flatrender-api";

    private final String signingKeyId;
    private final MACSigner signer;
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final Duration lifetime;
    private final Clock clock;

    /** @param keys key id → secret (at least 32 bytes), the signing key first */
    public AccessTokens(Map<String, byte[]> keys, Duration lifetime, Clock clock) {
        requireNonNull(keys, "keys is null");
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no signing key");
        }
        this.lifetime = requireNonNull(lifetime, "lifetime is null");
        this.clock = requireNonNull(clock, "clock is null");
        List<com.nimbusds.jose.jwk.JWK> jwks = new java.util.ArrayList<>();
        keys.forEach((id, secret) -> {
            if (secret.length < 32) {
                throw new IllegalArgumentException("signing key " + id + " is shorter than 256 bits");
            }
            jwks.add(new OctetSequenceKey.Builder(secret)
                    .keyID(id)
                    .algorithm(JWSAlgorithm.HS256)
                    .build());
        });
        Map.Entry<String, byte[]> first = keys.entrySet().iterator().next();
        this.signingKeyId = first.getKey();
        try {
            this.signer = new MACSigner(first.getValue());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("bad signing key " + first.getKey() + ": " + e.getMessage(), e);
        }
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT));
        processor.setJWSKeySelector(
                new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableJWKSet<>(new JWKSet(jwks))));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                AUDIENCE,
                new JWTClaimsSet.Builder().issuer(ISSUER).build(),
                Set.of("sub", "tid", "role", "exp", "iat", "jti")));
    }

    /** A ring of one new random key, for a gateway that was given none (dev, tests). */
    public static Map<String, byte[]> generateKeys() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Map<String, byte[]> keys = new LinkedHashMap<>();
        keys.put("k" + Long.toHexString(System.currentTimeMillis()), secret);
        return keys;
    }

    /** Parses {@code id=base64url,id=base64url}: the ring as configuration gives it. */
    public static Map<String, byte[]> parseKeys(String ring) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (String part : ring.split(",")) {
            int equals = part.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("a signing key is id=base64url-secret, not " + part);
            }
            keys.put(
                    part.substring(0, equals).trim(),
                    Base64.getUrlDecoder().decode(part.substring(equals + 1).trim()));
        }
        return keys;
    }

    public Duration lifetime() {
        return lifetime;
    }

    public String issue(UUID userId, UUID tenantId, Principal.Role role, boolean farmAdmin) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(userId.toString())
                .claim("tid", tenantId.toString())
                .claim("role", role.dbName())
                .claim("fa", farmAdmin)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .keyID(signingKeyId)
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign an access token", e);
        }
        return jwt.serialize();
    }

    /** The principal of a valid token; a 401 problem for any other. */
    public Principal verify(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw Problem.unauthorized("the access token is not a JWT");
        } catch (com.nimbusds.jose.proc.BadJOSEException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            throw Problem.unauthorized(
                    message.toLowerCase(java.util.Locale.ROOT).contains("expired")
                            ? "the access token has expired"
                            : "the access token is not valid");
        } catch (JOSEException e) {
            throw Problem.unauthorized("the access token is not valid");
        }
        try {
            return new Principal(
                    UUID.fromString(claims.getStringClaim("tid")),
                    Optional.of(UUID.fromString(claims.getSubject())),
                    Optional.empty(),
                    Principal.Role.parse(claims.getStringClaim("role")),
                    Boolean.TRUE.equals(claims.getBooleanClaim("fa")),
                    List.of());
        } catch (ParseException | IllegalArgumentException e) {
            throw Problem.unauthorized("the access token is not valid");
        }
    }
}
