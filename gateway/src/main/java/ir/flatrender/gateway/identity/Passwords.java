package ir.flatrender.gateway.identity;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/**
 * Argon2id password hashes as PHC strings (Password4j), with OWASP's parameters: 19 MiB,
 * two passes, one lane. A hash keeps its own parameters, so older ones still verify after
 * the parameters change.
 */
public final class Passwords {
    private static final Argon2Function ARGON2ID = Argon2Function.getInstance(19 * 1024, 2, 1, 32, Argon2.ID);
    /** Compared against when the user does not exist, so the answer takes as long. */
    private static final String DUMMY = hash("not-a-password-of-anyone");

    private Passwords() {}

    public static String hash(String password) {
        return Password.hash(password).addRandomSalt(16).with(ARGON2ID).getResult();
    }

    public static boolean matches(String password, String hash) {
        if (hash == null || !hash.startsWith("$argon2")) {
            Password.check(password, DUMMY).with(ARGON2ID);
            return false;
        }
        return Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
    }

    /** Spends the time of one check, for an unknown user. */
    public static void burn(String password) {
        Password.check(password, DUMMY).with(ARGON2ID);
    }
}
