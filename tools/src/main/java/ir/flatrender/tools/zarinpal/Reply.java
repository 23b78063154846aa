package ir.flatrender.tools.zarinpal;

import java.nio.charset.StandardCharsets;

/** One HTTP answer of the emulator, and a note for its log line. */
record Reply(int status, String contentType, byte[] body, String location, String note) {
    static Reply json(byte[] body, String note) {
        return new Reply(200, "application/json; charset=utf-8", body, null, note);
    }

    static Reply html(int status, String page) {
        return new Reply(status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8), null, "");
    }

    static Reply text(int status, String text) {
        return new Reply(status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8), null, "");
    }

    static Reply redirect(String location, String note) {
        return new Reply(302, null, new byte[0], location, note);
    }
}
