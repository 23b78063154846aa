package ir.flatrender.tools.zarinpal;

import com.google.common.escape.Escaper;
import com.google.common.html.HtmlEscapers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The emulator's pages: the buyer's StartPay page (the amount in Rial or Toman, a "Pay" and a
 * "Cancel" button), the page of an unknown authority, the CDN's 503 page while the API is down,
 * and where the buyer is sent back to.
 */
final class PaymentPages {
    static final String START_PAY = "/pg/StartPay/";
    private static final Escaper HTML = HtmlEscapers.htmlEscaper();

    static final String UNAVAILABLE_PAGE = """
            <html>
            <head><title>503 Service Temporarily Unavailable</title></head>
            <body>
            <center><h1>503 Service Temporarily Unavailable</h1></center>
            <hr><center>nginx</center>
            </body>
            </html>
            """;

    private PaymentPages() {}

    /** The callback URL with the authority and the status the buyer comes back with. */
    static String callback(EmulatedPayment entry, String status) {
        String url = entry.callbackUrl;
        String separator = url.endsWith("?") || url.endsWith("&") ? "" : url.contains("?") ? "&" : "?";
        return url + separator + "Authority=" + URLEncoder.encode(entry.authority, StandardCharsets.UTF_8) + "&Status="
                + status;
    }

    static Reply notFoundPage() {
        return Reply.html(404, """
                <!DOCTYPE html>
                <html lang="fa" dir="rtl">
                <head><meta charset="utf-8"><title>ZarinPal emulator</title></head>
                <body>
                <h1>تراکنش یافت نشد</h1>
                <p>Unknown authority: this payment does not exist.</p>
                </body>
                </html>
                """);
    }

    static String page(EmulatedPayment entry) {
        ZarinPalEmulator.Session session = entry.snapshot();
        String base = START_PAY + URLEncoder.encode(session.authority(), StandardCharsets.UTF_8);
        return """
                <!DOCTYPE html>
                <html lang="fa" dir="rtl">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>درگاه پرداخت (ZarinPal emulator)</title>
                <style>
                body { font-family: Tahoma, sans-serif; max-width: 32em; margin: 3em auto; padding: 0 1em; }
                dt { font-weight: bold; margin-top: 0.6em; }
                form { display: inline-block; margin: 1.5em 0 0 1em; }
                button { font-size: 1.1em; padding: 0.4em 1.4em; }
                small { color: #666; }
                </style>
                </head>
                <body>
                <h1>درگاه پرداخت</h1>
                <p><small>ZarinPal emulator: no money moves here.</small></p>
                <dl>
                <dt>مبلغ (Amount)</dt><dd id="amount">%s %s</dd>
                <dt>توضیحات (Description)</dt><dd id="description">%s</dd>
                <dt>پذیرنده (Merchant)</dt><dd id="merchant" dir="ltr">%s</dd>
                <dt>شناسه (Authority)</dt><dd id="authority" dir="ltr">%s</dd>
                <dt>وضعیت (State)</dt><dd id="state">%s</dd>
                </dl>
                <form method="post" action="%s/pay"><button type="submit">پرداخت (Pay)</button></form>
                <form method="post" action="%s/cancel"><button type="submit">انصراف (Cancel)</button></form>
                </body>
                </html>
                """.formatted(
                        String.format("%,d", session.amount()),
                        session.currency().equals("IRT") ? "تومان (IRT)" : "ریال (IRR)",
                        HTML.escape(session.description()),
                        HTML.escape(session.merchantId()),
                        HTML.escape(session.authority()),
                        session.state(),
                        HTML.escape(base),
                        HTML.escape(base));
    }
}
