package ir.flatrender.tools.processes;

/** A {@code host:port} to listen on. */
record Listen(String host, int port) {
    static Listen parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--listen must be host:port, e.g. 0.0.0.0:7600, but was '" + text + "'");
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new Listen(text.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--listen has a bad port: '" + text + "'");
        }
    }
}
