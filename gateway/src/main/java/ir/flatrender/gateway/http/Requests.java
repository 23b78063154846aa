package ir.flatrender.gateway.http;

import io.javalin.http.Context;

/** What the gateway's filters attach to a request: its id and the client's address. */
public final class Requests {
    static final String REQUEST_ID = "flatrender.requestId";

    private Requests() {}

    public static String requestId(Context ctx) {
        String id = ctx.attribute(REQUEST_ID);
        return id == null ? "" : id;
    }

    /** The client's address: a trusted proxy's forwarded-for, else the socket's peer ({@link ClientAddresses}). */
    public static String ip(Context ctx) {
        String client = ctx.attribute(ClientAddresses.ATTRIBUTE);
        return client == null ? ctx.req().getRemoteAddr() : client;
    }
}
