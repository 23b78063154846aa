"use strict";

// Tests of the FlatPay SDK (deploy/PAYMENTS.md). Run from the repository root:
//   node --test deploy/sdk
// Only Node's own modules are used. The vectors were computed independently (Python's hmac and
// hashlib, and the Standard Webhooks specification's published example), and the fake broker
// below checks signatures with its own small implementation, not with the SDK's functions.

const { describe, it, before, after } = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const http = require("node:http");

const {
    FlatPay,
    FlatPayError,
    FlatPayVerificationError,
    canonicalRequest,
    signRequest,
    verifyReturn,
    verifyWebhook,
} = require("./flatpay");

const HMAC_SECRET = "fps_test-secret-0123456789";
const API_KEY = "fpk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

// ---------------------------------------------------------------------------------------------
// 1. Signing a client call: the contract's test vector
// ---------------------------------------------------------------------------------------------

describe("signRequest and canonicalRequest", () => {
    const vector = {
        method: "POST",
        path: "/v1/pay/request",
        timestamp: 1764640000,
        nonce: "nonce-0123456789abcdef",
        body: '{"amount":500000,"order_id":"order-1"}',
        hmacSecret: HMAC_SECRET,
    };
    const bodySha256 = "3a40e0dc2631b6ce00a7e3ea3b8417ffa1358657fd5e96eba3b578045fda62d5";
    const signature = "154cf308b5602f3798112ab41c88efe9155c1255fe4d64c4ffded86b33412d19";

    it("builds the canonical string of the vector", () => {
        assert.equal(
            canonicalRequest(vector),
            `FLATPAY-HMAC-SHA256\nPOST\n/v1/pay/request\n1764640000\nnonce-0123456789abcdef\n${bodySha256}`,
        );
    });

    it("signs the vector", () => {
        assert.equal(signRequest(vector), signature);
    });

    it("signs the same bytes given as a Buffer, a lower-case method and a path with a query", () => {
        assert.equal(signRequest({ ...vector, body: Buffer.from(vector.body, "utf8") }), signature);
        assert.equal(signRequest({ ...vector, method: "post" }), signature);
        assert.equal(signRequest({ ...vector, path: "/v1/pay/request?ignored=1" }), signature);
        assert.equal(signRequest({ ...vector, timestamp: "1764640000" }), signature);
    });

    // Issue 15 case 4: the signature is over the header's text, so a leading zero is signed as sent
    // (PAYMENTS.md's second vector; the gateway's ClientSignatureTest checks the same value).
    it("signs a timestamp header with a leading zero as written", () => {
        const zero = { ...vector, timestamp: "01764640000" };
        assert.ok(canonicalRequest(zero).includes("\n01764640000\n"));
        assert.equal(signRequest(zero), "1d68bf6c09b3e81e40d5536a84c0fdf7cb14667969bb6612c353d324d1508c8c");
    });

    it("hashes an empty body as the empty string", () => {
        const emptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert.ok(canonicalRequest({ ...vector, body: "" }).endsWith(`\n${emptySha256}`));
        assert.ok(canonicalRequest({ ...vector, body: undefined }).endsWith(`\n${emptySha256}`));
    });

    it("changes with every part", () => {
        assert.notEqual(signRequest({ ...vector, body: vector.body + " " }), signature);
        assert.notEqual(signRequest({ ...vector, path: "/v1/pay/inquiry" }), signature);
        assert.notEqual(signRequest({ ...vector, timestamp: 1764640001 }), signature);
        assert.notEqual(signRequest({ ...vector, nonce: "nonce-0123456789abcdeg" }), signature);
        assert.notEqual(signRequest({ ...vector, hmacSecret: "fps_test-secret-0123456780" }), signature);
    });

    it("refuses malformed parts", () => {
        assert.throws(() => signRequest({ ...vector, hmacSecret: "whsec_abc" }), TypeError);
        assert.throws(() => signRequest({ ...vector, nonce: "short" }), /nonce/);
        assert.throws(() => signRequest({ ...vector, nonce: "nonce\n0123456789abcdef" }), /nonce/);
        assert.throws(() => signRequest({ ...vector, timestamp: 1764640000.5 }), /timestamp/);
        assert.throws(() => signRequest({ ...vector, path: "v1/pay/request" }), /path/);
        assert.throws(() => signRequest({ ...vector, body: { amount: 1 } }), /body/);
    });
});

// ---------------------------------------------------------------------------------------------
// 2. The buyer's return
// ---------------------------------------------------------------------------------------------

describe("verifyReturn", () => {
    const params = {
        flatpay_id: "6a3c0000-0000-4000-8000-000000000001",
        flatpay_order_id: "order-1",
        flatpay_status: "paid",
        flatpay_ref_id: "201",
        flatpay_expires: "1764640900",
        flatpay_signature: "5e6e41ecf133a4f1d02a9d4a317ce9767c4c168d15b6083d5995a3577e98206c",
    };
    const now = 1764640000 * 1000;
    const expected = {
        id: "6a3c0000-0000-4000-8000-000000000001",
        orderId: "order-1",
        status: "paid",
        refId: "201",
    };

    /** The test's own signer of a return (section 5), independent of the SDK. */
    function signReturn(values) {
        const signed = [
            "FLATPAY-RETURN",
            values.flatpay_id,
            values.flatpay_order_id,
            values.flatpay_status,
            values.flatpay_ref_id,
            values.flatpay_expires,
        ].join("\n");
        return { ...values, flatpay_signature: crypto.createHmac("sha256", HMAC_SECRET).update(signed).digest("hex") };
    }

    function refusedWith(code) {
        return (error) => {
            assert.ok(error instanceof FlatPayVerificationError, `expected a FlatPayVerificationError, got ${error}`);
            assert.equal(error.code, code);
            return true;
        };
    }

    it("accepts the vector as a plain object", () => {
        assert.deepEqual(verifyReturn(params, HMAC_SECRET, { now }), expected);
    });

    it("accepts the vector as URLSearchParams and as a query string with or without ?", () => {
        const search = new URLSearchParams(params);
        assert.deepEqual(verifyReturn(search, HMAC_SECRET, { now }), expected);
        assert.deepEqual(verifyReturn(search.toString(), HMAC_SECRET, { now }), expected);
        assert.deepEqual(verifyReturn(`?${search}`, HMAC_SECRET, { now }), expected);
        const url = new URL(`https://meezi.ir/pay/return?lang=fa&${search}`);
        assert.deepEqual(verifyReturn(url.searchParams, HMAC_SECRET, { now }), expected);
    });

    it("agrees with the test's own signer on the vector", () => {
        assert.equal(signReturn(params).flatpay_signature, params.flatpay_signature);
    });

    it("accepts up to the expiry second and refuses after it", () => {
        assert.deepEqual(verifyReturn(params, HMAC_SECRET, { now: 1764640900 * 1000 }), expected);
        assert.throws(() => verifyReturn(params, HMAC_SECRET, { now: 1764640901 * 1000 }), refusedWith("expired"));
        assert.throws(() => verifyReturn(params, HMAC_SECRET), refusedWith("expired"));
    });

    it("answers refId null when the ref id is empty", () => {
        const failed = signReturn({ ...params, flatpay_status: "failed", flatpay_ref_id: "" });
        assert.deepEqual(verifyReturn(failed, HMAC_SECRET, { now }), { ...expected, status: "failed", refId: null });
    });

    it("refuses any altered field", () => {
        const alterations = {
            flatpay_id: "6a3c0000-0000-4000-8000-000000000002",
            flatpay_order_id: "order-2",
            flatpay_status: "failed",
            flatpay_ref_id: "202",
            flatpay_expires: "1764640901",
        };
        for (const [name, value] of Object.entries(alterations)) {
            assert.throws(
                () => verifyReturn({ ...params, [name]: value }, HMAC_SECRET, { now }),
                refusedWith("signature-mismatch"),
                name,
            );
        }
        assert.throws(
            () => verifyReturn({ ...params, flatpay_ref_id: "" }, HMAC_SECRET, { now }),
            refusedWith("signature-mismatch"),
        );
    });

    it("refuses an altered, truncated, extended or upper-case signature and another secret", () => {
        const signature = params.flatpay_signature;
        const flipped = (signature[0] === "5" ? "6" : "5") + signature.slice(1);
        for (const bad of [flipped, signature.slice(0, 63), signature.slice(0, 32), signature + "0", "", signature.toUpperCase()]) {
            assert.throws(
                () => verifyReturn({ ...params, flatpay_signature: bad }, HMAC_SECRET, { now }),
                refusedWith("signature-mismatch"),
                bad,
            );
        }
        assert.throws(
            () => verifyReturn(params, "fps_test-secret-0123456780", { now }),
            refusedWith("signature-mismatch"),
        );
    });

    it("refuses a missing parameter, naming it", () => {
        for (const name of Object.keys(params)) {
            const missing = { ...params };
            delete missing[name];
            assert.throws(
                () => verifyReturn(missing, HMAC_SECRET, { now }),
                (error) => refusedWith("missing-parameter")(error) && error.message.includes(name),
                name,
            );
            const search = new URLSearchParams(missing);
            assert.throws(() => verifyReturn(search, HMAC_SECRET, { now }), refusedWith("missing-parameter"), name);
        }
    });

    it("refuses a repeated parameter and a malformed expiry", () => {
        const search = new URLSearchParams(params);
        search.append("flatpay_status", "paid");
        assert.throws(() => verifyReturn(search, HMAC_SECRET, { now }), refusedWith("duplicate-parameter"));
        assert.throws(
            () => verifyReturn({ ...params, flatpay_status: ["paid", "failed"] }, HMAC_SECRET, { now }),
            refusedWith("duplicate-parameter"),
        );
        assert.throws(
            () => verifyReturn({ ...params, flatpay_expires: "soon" }, HMAC_SECRET, { now }),
            refusedWith("malformed-parameter"),
        );
    });

    it("throws TypeError for a malformed secret or query", () => {
        assert.throws(() => verifyReturn(params, "", { now }), TypeError);
        assert.throws(() => verifyReturn(params, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", { now }), TypeError);
        assert.throws(() => verifyReturn(null, HMAC_SECRET, { now }), TypeError);
        assert.throws(() => verifyReturn(42, HMAC_SECRET, { now }), TypeError);
    });
});

// ---------------------------------------------------------------------------------------------
// 3. Webhooks: the Standard Webhooks specification's example
// ---------------------------------------------------------------------------------------------

describe("verifyWebhook", () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const timestamp = "1614265330";
    const body = '{"test": 2432232314}';
    const signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    const now = 1614265330 * 1000;
    const headers = { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature };

    function refusedWith(code) {
        return (error) => {
            assert.ok(error instanceof FlatPayVerificationError, `expected a FlatPayVerificationError, got ${error}`);
            assert.equal(error.code, code);
            return true;
        };
    }

    /** The test's own Standard Webhooks signer, independent of the SDK. */
    function signWebhook(key, msgId, ts, payload) {
        const raw = Buffer.from(key.slice("whsec_".length), "base64");
        return "v1," + crypto.createHmac("sha256", raw).update(`${msgId}.${ts}.${payload}`).digest("base64");
    }

    it("agrees with the test's own signer on the example", () => {
        assert.equal(signWebhook(secret, id, timestamp, body), signature);
    });

    it("accepts the example and answers the parsed body", () => {
        assert.deepEqual(verifyWebhook(body, headers, secret, { now }), { test: 2432232314 });
    });

    it("accepts a Buffer body, mixed-case keys and a Headers instance", () => {
        assert.deepEqual(verifyWebhook(Buffer.from(body, "utf8"), headers, secret, { now }), { test: 2432232314 });
        const mixed = { "Webhook-Id": id, "WEBHOOK-TIMESTAMP": timestamp, "webhook-Signature": signature, host: "meezi.ir" };
        assert.deepEqual(verifyWebhook(body, mixed, secret, { now }), { test: 2432232314 });
        assert.deepEqual(verifyWebhook(body, new Headers(headers), secret, { now }), { test: 2432232314 });
    });

    it("accepts the right v1 among several signatures and unknown versions", () => {
        const wrong = "v1," + Buffer.alloc(32, 7).toString("base64");
        const listed = `v2,${signature.slice(3)} ${wrong} v1a,xyz ${signature} v1,short`;
        assert.deepEqual(
            verifyWebhook(body, { ...headers, "webhook-signature": listed }, secret, { now }),
            { test: 2432232314 },
        );
    });

    it("ignores the right signature under another version", () => {
        assert.throws(
            () => verifyWebhook(body, { ...headers, "webhook-signature": `v2,${signature.slice(3)}` }, secret, { now }),
            refusedWith("signature-mismatch"),
        );
    });

    it("refuses a tampered body, id or signature", () => {
        assert.throws(() => verifyWebhook('{"test": 2432232315}', headers, secret, { now }), refusedWith("signature-mismatch"));
        assert.throws(() => verifyWebhook(body + "\n", headers, secret, { now }), refusedWith("signature-mismatch"));
        assert.throws(
            () => verifyWebhook(body, { ...headers, "webhook-id": "msg_other" }, secret, { now }),
            refusedWith("signature-mismatch"),
        );
        assert.throws(
            () => verifyWebhook(body, { ...headers, "webhook-signature": signature.slice(0, -2) }, secret, { now }),
            refusedWith("signature-mismatch"),
        );
    });

    it("refuses another secret", () => {
        const other = "whsec_" + Buffer.alloc(24, 1).toString("base64");
        assert.throws(() => verifyWebhook(body, headers, other, { now }), refusedWith("signature-mismatch"));
    });

    it("refuses a timestamp outside the tolerance either way", () => {
        assert.deepEqual(verifyWebhook(body, headers, secret, { now: now + 300_000 }), { test: 2432232314 });
        assert.deepEqual(verifyWebhook(body, headers, secret, { now: now - 300_000 }), { test: 2432232314 });
        assert.throws(() => verifyWebhook(body, headers, secret, { now: now + 301_000 }), refusedWith("timestamp-out-of-tolerance"));
        assert.throws(() => verifyWebhook(body, headers, secret, { now: now - 301_000 }), refusedWith("timestamp-out-of-tolerance"));
        assert.throws(
            () => verifyWebhook(body, headers, secret, { now: now + 61_000, toleranceSeconds: 60 }),
            refusedWith("timestamp-out-of-tolerance"),
        );
        assert.throws(() => verifyWebhook(body, headers, secret), refusedWith("timestamp-out-of-tolerance"));
    });

    it("refuses a missing header, naming it", () => {
        for (const name of Object.keys(headers)) {
            const missing = { ...headers };
            delete missing[name];
            assert.throws(
                () => verifyWebhook(body, missing, secret, { now }),
                (error) => refusedWith("missing-header")(error) && error.message.includes(name),
                name,
            );
        }
        assert.throws(
            () => verifyWebhook(body, { ...headers, "webhook-timestamp": "yesterday" }, secret, { now }),
            refusedWith("malformed-header"),
        );
    });

    it("verifies a broker event and refuses a signed body that is not JSON", () => {
        const event = JSON.stringify({
            type: "payment.succeeded",
            timestamp: "2026-12-02T02:00:00Z",
            data: { id: "6a3c0000-0000-4000-8000-000000000001", order_id: "order-1", status: "paid", ref_id: 201 },
        });
        const eventHeaders = { "webhook-id": "msg_1", "webhook-timestamp": timestamp, "webhook-signature": signWebhook(secret, "msg_1", timestamp, event) };
        const verified = verifyWebhook(event, eventHeaders, secret, { now });
        assert.equal(verified.type, "payment.succeeded");
        assert.equal(verified.data.status, "paid");

        const notJson = "not json";
        const notJsonHeaders = { ...eventHeaders, "webhook-signature": signWebhook(secret, "msg_1", timestamp, notJson) };
        assert.throws(() => verifyWebhook(notJson, notJsonHeaders, secret, { now }), refusedWith("malformed-body"));
    });

    it("throws TypeError for a parsed body, bad headers or a bad secret", () => {
        assert.throws(() => verifyWebhook({ test: 2432232314 }, headers, secret, { now }), /raw body/);
        assert.throws(() => verifyWebhook(body, null, secret, { now }), TypeError);
        assert.throws(() => verifyWebhook(body, headers, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", { now }), TypeError);
        assert.throws(() => verifyWebhook(body, headers, "whsec_not base64!", { now }), TypeError);
    });
});

// ---------------------------------------------------------------------------------------------
// 4. A round trip against a fake broker
// ---------------------------------------------------------------------------------------------

/**
 * A local HTTP server playing the broker. It checks each call with its own implementation of
 * section 2 and answers problem+json as the gateway does.
 */
function startFakeBroker() {
    const state = {
        calls: [],
        nonces: new Set(),
        transactions: new Map(),
    };

    function problem(res, status, name, title, detail, errors) {
        const body = { type: `https://flatrender.ir/problems/${name}`, title, status, detail };
        if (errors) {
            body.errors = errors;
        }
        res.writeHead(status, { "Content-Type": "application/problem+json" });
        res.end(JSON.stringify(body));
    }

    function answer(res, status, body) {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
    }

    function expectedSignature(method, path, timestamp, nonce, raw) {
        const bodyHash = crypto.createHash("sha256").update(raw).digest("hex");
        const canonical = ["FLATPAY-HMAC-SHA256", method, path, timestamp, nonce, bodyHash].join("\n");
        return "v1=" + crypto.createHmac("sha256", Buffer.from(HMAC_SECRET, "utf8")).update(canonical).digest("hex");
    }

    function handle(req, res, raw) {
        const path = req.url.split("?")[0];
        const timestamp = req.headers["x-flatpay-timestamp"] || "";
        const nonce = req.headers["x-flatpay-nonce"] || "";
        const signature = req.headers["x-flatpay-signature"] || "";
        state.calls.push({ method: req.method, path, headers: req.headers, raw });

        if (path === "/v1/pay/hang") {
            return; // never answers: the client's timeout must end the call
        }
        if (path === "/v1/pay/plain-error") {
            res.writeHead(500, { "Content-Type": "text/plain" });
            res.end("boom");
            return;
        }
        if (req.headers["x-api-key"] !== API_KEY) {
            return problem(res, 401, "api-key-unknown", "The API key is unknown", "no client app has this key");
        }
        const expected = expectedSignature(req.method, path, timestamp, nonce, raw);
        const a = Buffer.from(expected);
        const b = Buffer.from(signature);
        if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
            return problem(res, 401, "signature-invalid", "The signature does not match", "recomputed another signature");
        }
        if (!/^[0-9]+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) {
            return problem(res, 401, "timestamp-out-of-window", "The timestamp is out of the window", "more than 300 s from the broker's clock");
        }
        if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) {
            return problem(res, 401, "signature-invalid", "The nonce is malformed", "16 to 64 characters");
        }
        if (state.nonces.has(nonce)) {
            return problem(res, 401, "nonce-reused", "The nonce was used before", `nonce ${nonce} was already used`);
        }
        state.nonces.add(nonce);
        if (!String(req.headers["content-type"]).startsWith("application/json")) {
            return problem(res, 415, "unsupported-media-type", "Send JSON", "content type is not application/json");
        }

        let body;
        try {
            body = JSON.parse(raw.toString("utf8"));
        } catch (e) {
            return problem(res, 400, "malformed-request", "The request body is not valid JSON", e.message);
        }

        if (req.method === "POST" && path === "/v1/pay/request") {
            if (body.amount < 10000) {
                return problem(res, 422, "validation", "The request has invalid fields", "amount: at least 10000", [
                    { field: "amount", message: "at least 10000" },
                ]);
            }
            const tx = {
                id: `6a3c0000-0000-4000-8000-${String(state.transactions.size + 1).padStart(12, "0")}`,
                order_id: body.order_id,
                amount: body.amount,
                currency: "IRR",
                description: body.description,
                status: "pending",
                authority: "A00000000000000000000000000123456789",
                payment_url: "https://payment.zarinpal.com/pg/StartPay/A00000000000000000000000000123456789",
                expires_at: "2026-12-02T02:10:00Z",
            };
            if (body.metadata !== undefined) {
                tx.metadata = body.metadata;
            }
            state.transactions.set(body.order_id, tx);
            return answer(res, 201, tx);
        }
        if (req.method === "POST" && path === "/v1/pay/inquiry") {
            const tx =
                body.order_id !== undefined
                    ? state.transactions.get(body.order_id)
                    : [...state.transactions.values()].find((each) => each.id === body.id);
            if (!tx) {
                return problem(res, 404, "not-found", "Not found", "transaction does not exist");
            }
            return answer(res, 200, tx);
        }
        return problem(res, 404, "not-found", "Not found", `${req.method} ${path} does not exist`);
    }

    const server = http.createServer((req, res) => {
        const chunks = [];
        req.on("data", (chunk) => chunks.push(chunk));
        req.on("end", () => handle(req, res, Buffer.concat(chunks)));
    });

    return new Promise((resolve) => {
        server.listen(0, "127.0.0.1", () => {
            resolve({ server, state, baseUrl: `http://127.0.0.1:${server.address().port}` });
        });
    });
}

/** A port on which nothing listens: one a server had, after closing it. */
async function closedPort() {
    const server = http.createServer();
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address();
    await new Promise((resolve) => server.close(resolve));
    return port;
}

describe("FlatPay against a fake broker", () => {
    let broker;
    let pay;

    before(async () => {
        broker = await startFakeBroker();
        pay = new FlatPay({ baseUrl: broker.baseUrl, apiKey: API_KEY, hmacSecret: HMAC_SECRET });
    });

    after(async () => {
        broker.server.closeAllConnections();
        await new Promise((resolve) => broker.server.close(resolve));
    });

    function lastCall() {
        return broker.state.calls[broker.state.calls.length - 1];
    }

    it("requests a payment and answers the broker's JSON", async () => {
        const tx = await pay.request({
            amount: 500000,
            orderId: "order-1",
            description: "پلن حرفه‌ای، یک ماه",
            returnUrl: "https://meezi.ir/pay/return",
            metadata: { mobile: "09121234567", email: "buyer@example.com" },
        });
        assert.equal(tx.order_id, "order-1");
        assert.equal(tx.amount, 500000);
        assert.equal(tx.status, "pending");
        assert.equal(tx.description, "پلن حرفه‌ای، یک ماه");
        assert.deepEqual(tx.metadata, { mobile: "09121234567", email: "buyer@example.com" });
        assert.match(tx.payment_url, /^https:\/\/payment\.zarinpal\.com\/pg\/StartPay\//);

        const call = lastCall();
        assert.equal(call.method, "POST");
        assert.equal(call.path, "/v1/pay/request");
        assert.equal(call.headers["content-type"], "application/json");
        assert.equal(call.headers["x-api-key"], API_KEY);
        assert.match(call.headers["x-flatpay-nonce"], /^[A-Za-z0-9_-]{24}$/);
        assert.match(call.headers["x-flatpay-signature"], /^v1=[0-9a-f]{64}$/);
        assert.deepEqual(Object.keys(JSON.parse(call.raw.toString("utf8"))), [
            "amount",
            "order_id",
            "description",
            "return_url",
            "metadata",
        ]);
    });

    it("omits metadata when it is not given", async () => {
        await pay.request({ amount: 120000, orderId: "order-2", description: "Basic", returnUrl: "https://meezi.ir/r" });
        assert.deepEqual(JSON.parse(lastCall().raw.toString("utf8")), {
            amount: 120000,
            order_id: "order-2",
            description: "Basic",
            return_url: "https://meezi.ir/r",
        });
    });

    it("inquires by order id and by id", async () => {
        const byOrder = await pay.inquiry({ orderId: "order-1" });
        assert.deepEqual(JSON.parse(lastCall().raw.toString("utf8")), { order_id: "order-1" });
        assert.equal(lastCall().path, "/v1/pay/inquiry");
        assert.equal(byOrder.order_id, "order-1");

        const byId = await pay.inquiry({ id: byOrder.id });
        assert.deepEqual(JSON.parse(lastCall().raw.toString("utf8")), { id: byOrder.id });
        assert.deepEqual(byId, byOrder);
    });

    it("uses a different nonce on every call", async () => {
        const callsBefore = broker.state.calls.length;
        await pay.inquiry({ orderId: "order-1" });
        await pay.inquiry({ orderId: "order-1" });
        const nonces = broker.state.calls.slice(callsBefore).map((call) => call.headers["x-flatpay-nonce"]);
        assert.equal(nonces.length, 2);
        assert.notEqual(nonces[0], nonces[1]);
    });

    it("keeps a base URL's path prefix and signs the full path", async () => {
        const prefixed = new FlatPay({ baseUrl: `${broker.baseUrl}/broker/`, apiKey: API_KEY, hmacSecret: HMAC_SECRET });
        await assert.rejects(prefixed.inquiry({ orderId: "order-1" }), (error) => {
            // The fake broker has no /broker prefix: a valid signature over the full path gets 404.
            assert.equal(error.status, 404);
            return true;
        });
        assert.equal(lastCall().path, "/broker/v1/pay/inquiry");
    });

    it("throws FlatPayError with the problem of a 401 nonce-reused", async () => {
        // A fetch that replays the exact signed call, as an attacker would: the second is refused.
        const replaying = new FlatPay({
            baseUrl: broker.baseUrl,
            apiKey: API_KEY,
            hmacSecret: HMAC_SECRET,
            fetch: async (url, init) => {
                const first = await fetch(url, init);
                await first.text();
                return fetch(url, init);
            },
        });
        await assert.rejects(replaying.inquiry({ orderId: "order-1" }), (error) => {
            assert.ok(error instanceof FlatPayError);
            assert.equal(error.name, "FlatPayError");
            assert.equal(error.status, 401);
            assert.equal(error.type, "https://flatrender.ir/problems/nonce-reused");
            assert.equal(error.title, "The nonce was used before");
            assert.match(error.detail, /already used/);
            assert.equal(error.errors, null);
            assert.match(error.message, /401/);
            return true;
        });
    });

    it("throws FlatPayError with the fields of a 422 validation problem", async () => {
        await assert.rejects(
            pay.request({ amount: 5000, orderId: "order-3", description: "Too cheap", returnUrl: "https://meezi.ir/r" }),
            (error) => {
                assert.ok(error instanceof FlatPayError);
                assert.equal(error.status, 422);
                assert.equal(error.type, "https://flatrender.ir/problems/validation");
                assert.equal(error.title, "The request has invalid fields");
                assert.equal(error.detail, "amount: at least 10000");
                assert.deepEqual(error.errors, [{ field: "amount", message: "at least 10000" }]);
                return true;
            },
        );
    });

    it("is refused with a wrong HMAC secret or a clock out of the window", async () => {
        const wrongSecret = new FlatPay({ baseUrl: broker.baseUrl, apiKey: API_KEY, hmacSecret: "fps_another-secret-000000" });
        await assert.rejects(wrongSecret.inquiry({ orderId: "order-1" }), {
            name: "FlatPayError",
            status: 401,
            type: "https://flatrender.ir/problems/signature-invalid",
        });
        const lateClock = new FlatPay({
            baseUrl: broker.baseUrl,
            apiKey: API_KEY,
            hmacSecret: HMAC_SECRET,
            clock: () => Date.now() - 400_000,
        });
        await assert.rejects(lateClock.inquiry({ orderId: "order-1" }), {
            status: 401,
            type: "https://flatrender.ir/problems/timestamp-out-of-window",
        });
    });

    it("uses the status text when the answer is not a problem", async () => {
        // The API paths are fixed, so reach the plain-error route through a prefix that ends there.
        const plain = new FlatPay({
            baseUrl: broker.baseUrl,
            apiKey: API_KEY,
            hmacSecret: HMAC_SECRET,
            fetch: (url, init) => fetch(url.replace("/v1/pay/inquiry", "/v1/pay/plain-error"), init),
        });
        await assert.rejects(plain.inquiry({ orderId: "order-1" }), (error) => {
            assert.ok(error instanceof FlatPayError);
            assert.equal(error.status, 500);
            assert.equal(error.title, "Internal Server Error");
            assert.equal(error.type, null);
            assert.equal(error.detail, null);
            return true;
        });
    });

    it("throws FlatPayError with status 0 on a timeout", async () => {
        const hanging = new FlatPay({
            baseUrl: broker.baseUrl,
            apiKey: API_KEY,
            hmacSecret: HMAC_SECRET,
            timeoutMs: 100,
            fetch: (url, init) => fetch(url.replace("/v1/pay/inquiry", "/v1/pay/hang"), init),
        });
        await assert.rejects(hanging.inquiry({ orderId: "order-1" }), (error) => {
            assert.ok(error instanceof FlatPayError);
            assert.equal(error.status, 0);
            assert.match(error.message, /timed out after 100 ms/);
            assert.ok(error.cause);
            return true;
        });
    });

    it("throws FlatPayError with status 0 and the cause when the broker cannot be reached", async () => {
        const port = await closedPort();
        const unreachable = new FlatPay({ baseUrl: `http://127.0.0.1:${port}`, apiKey: API_KEY, hmacSecret: HMAC_SECRET });
        await assert.rejects(unreachable.inquiry({ orderId: "order-1" }), (error) => {
            assert.ok(error instanceof FlatPayError);
            assert.equal(error.status, 0);
            assert.ok(error.cause instanceof Error);
            return true;
        });
    });

    it("throws before any network call for invalid arguments", async () => {
        let fetches = 0;
        const counting = () => {
            fetches += 1;
            return Promise.reject(new Error("must not be called"));
        };
        const valid = { baseUrl: broker.baseUrl, apiKey: API_KEY, hmacSecret: HMAC_SECRET, fetch: counting };

        for (const bad of [
            { baseUrl: undefined },
            { baseUrl: "pay.flatrender.ir" },
            { baseUrl: "ftp://pay.flatrender.ir" },
            { baseUrl: "https://pay.flatrender.ir/?x=1" },
            { apiKey: undefined },
            { apiKey: "sk_0123" },
            { apiKey: "fpk_" },
            { hmacSecret: undefined },
            { hmacSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
            { fetch: "fetch" },
            { timeoutMs: 0 },
            { clock: 1764640000 },
        ]) {
            assert.throws(() => new FlatPay({ ...valid, ...bad }), TypeError, JSON.stringify(bad));
        }
        assert.throws(() => new FlatPay(), TypeError);

        const client = new FlatPay(valid);
        const payment = { amount: 500000, orderId: "order-9", description: "x", returnUrl: "https://meezi.ir/r" };
        for (const amount of [500000.5, 0, -10000, "500000", Number.MAX_SAFE_INTEGER + 1, NaN, Infinity, undefined]) {
            await assert.rejects(client.request({ ...payment, amount }), /amount must be a safe positive integer/);
        }
        await assert.rejects(client.request({ ...payment, orderId: "" }), TypeError);
        await assert.rejects(client.request({ ...payment, metadata: "09121234567" }), TypeError);
        await assert.rejects(client.inquiry({}), /exactly one of id and orderId/);
        await assert.rejects(client.inquiry({ id: "a", orderId: "b" }), /exactly one of id and orderId/);
        await assert.rejects(client.inquiry({ orderId: 1 }), TypeError);
        assert.equal(fetches, 0);
    });
});
