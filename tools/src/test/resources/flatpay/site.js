"use strict";
// A client site of the payment broker, as PaymentIT drives it: the SDK (deploy/sdk/flatpay.js)
// signing calls and verifying the buyer's return and the broker's webhooks. Secrets come from
// the environment; the answer is one JSON line on stdout, {"error": …} with exit code 1 on failure.
//
//   node site.js request '{"amount":…}'       FLATPAY_URL, FLATPAY_API_KEY, FLATPAY_HMAC_SECRET
//   node site.js inquiry '{"orderId":…}'      same
//   node site.js verify-return URL            FLATPAY_HMAC_SECRET
//   node site.js verify-webhook BODY_FILE HEADERS_FILE   FLATPAY_WEBHOOK_SECRET
const fs = require("node:fs");
const { FlatPay, verifyReturn, verifyWebhook } = require(process.env.FLATPAY_SDK);

async function main(command, args) {
    const client = () =>
        new FlatPay({
            baseUrl: process.env.FLATPAY_URL,
            apiKey: process.env.FLATPAY_API_KEY,
            hmacSecret: process.env.FLATPAY_HMAC_SECRET,
        });
    switch (command) {
        case "request":
            return client().request(JSON.parse(args[0]));
        case "inquiry":
            return client().inquiry(JSON.parse(args[0]));
        case "verify-return":
            return verifyReturn(new URL(args[0]).searchParams, process.env.FLATPAY_HMAC_SECRET);
        case "verify-webhook":
            return verifyWebhook(
                fs.readFileSync(args[0]),
                JSON.parse(fs.readFileSync(args[1], "utf8")),
                process.env.FLATPAY_WEBHOOK_SECRET,
            );
        default:
            throw new Error("unknown command " + command);
    }
}

main(process.argv[2], process.argv.slice(3)).then(
    (answer) => {
        process.stdout.write(JSON.stringify(answer) + "\n");
    },
    (error) => {
        process.stdout.write(
            JSON.stringify({
                error: {
                    name: error.name,
                    message: error.message,
                    status: error.status,
                    type: error.type,
                    code: error.code,
                },
            }) + "\n",
        );
        process.exitCode = 1;
    },
);
