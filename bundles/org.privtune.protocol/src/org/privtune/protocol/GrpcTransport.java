package org.privtune.protocol;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolNames;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;

import javax.net.ssl.SSLContext;

/**
 * What both ends of the gRPC transport share: TLS 1.3 contexts for Netty made from the JSSE
 * contexts of {@link TransportSecurity} (HTTP/2 negotiated by ALPN), and the access token as call
 * credentials ("authorization: Bearer ..."), which the device sends only over TLS and the endpoint
 * checks in an interceptor before any message of the call is read.
 */
public final class GrpcTransport {

    /** The metadata key of the access token. */
    public static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private static final String BEARER = "Bearer ";

    private GrpcTransport() {
    }

    /** Netty's server context over {@code tls} (from {@link TransportSecurity#server}): TLS 1.3, HTTP/2. */
    public static SslContext serverTls(SSLContext tls) {
        return netty(tls, false);
    }

    /** Netty's client context over {@code tls} (from {@link TransportSecurity#client}): TLS 1.3, HTTP/2. */
    public static SslContext clientTls(SSLContext tls) {
        return netty(tls, true);
    }

    private static SslContext netty(SSLContext tls, boolean client) {
        ApplicationProtocolConfig alpn = new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2);
        return new JdkSslContext(tls, client, null, IdentityCipherSuiteFilter.INSTANCE, alpn, ClientAuth.NONE,
                new String[] {TransportSecurity.PROTOCOL}, false);
    }

    /**
     * The token as call credentials. A call over a connection without privacy (plain TCP) fails
     * with UNAUTHENTICATED before anything is sent: the token never crosses the network in clear.
     */
    public static CallCredentials bearer(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("access token: empty");
        }
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                if (info.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY) {
                    applier.fail(Status.UNAUTHENTICATED.withDescription("the access token is sent only over TLS"
                            + " (give the endpoint's certificate: --cloud-cert)"));
                    return;
                }
                Metadata m = new Metadata();
                m.put(AUTHORIZATION, BEARER + token);
                applier.apply(m);
            }
        };
    }

    /**
     * An interceptor that closes every call whose credentials are not {@code token} with
     * UNAUTHENTICATED, before it asks for (and so before the transport parses) any message of it.
     * {@code log} hears "refused PEER: no access token" or "... wrong access token", never the token.
     */
    public static ServerInterceptor requireToken(String token, Consumer<String> log) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("access token: empty");
        }
        return new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                    ServerCallHandler<Q, A> next) {
                String given = headers.get(AUTHORIZATION);
                if (given != null && given.startsWith(BEARER)
                        && TransportSecurity.sameToken(token, given.substring(BEARER.length()))) {
                    return next.startCall(call, headers);
                }
                String peer = String.valueOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
                log.accept("refused " + peer + ": " + (given == null ? "no" : "wrong") + " access token");
                call.close(Status.UNAUTHENTICATED.withDescription("access token: "
                        + (given == null ? "this endpoint requires one" : "not this endpoint's token")), new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
        };
    }
}
