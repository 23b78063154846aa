package ir.flatrender.orchestrator.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

/**
 * Puts the common name of the client's TLS certificate in the call's {@link Context}, when the
 * client presented one (mutual TLS, where the TLS layer has already checked it against the farm's
 * CA). A node's certificate names the node: its hello must name the same (see {@code
 * NodeHandshake}).
 */
public final class ClientCertificates implements ServerInterceptor {
    private static final Context.Key<String> COMMON_NAME = Context.key("flatrender-client-certificate");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Optional<String> name = commonName(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        if (name.isEmpty()) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(COMMON_NAME, name.get()), call, headers, next);
    }

    /** The CN of the current call's client certificate; empty without one (plain text, or TLS without mTLS). */
    public static Optional<String> current() {
        return Optional.ofNullable(COMMON_NAME.get());
    }

    static Optional<String> commonName(SSLSession session) {
        if (session == null) {
            return Optional.empty();
        }
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            // TLS without a client certificate: none was asked for.
            return Optional.empty();
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
            return Optional.empty();
        }
        // A certificate without a CN names no node: "" matches no hello.
        return Optional.of(commonName(certificate.getSubjectX500Principal()).orElse(""));
    }

    /** The (last, most specific) CN of a distinguished name. */
    static Optional<String> commonName(X500Principal subject) {
        try {
            String found = null;
            for (Rdn rdn : new LdapName(subject.getName(X500Principal.RFC2253)).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    found = rdn.getValue().toString();
                }
            }
            return Optional.ofNullable(found);
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }
}
