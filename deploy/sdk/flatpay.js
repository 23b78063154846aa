"use strict";

/**
 * FlatPay SDK: a zero-dependency Node.js (18 or later) client of the FlatPay payment broker,
 * and the verifiers a site needs for the buyer's signed return and for the broker's webhooks.
 *
 * The integration contract is deploy/PAYMENTS.md; section numbers below refer to it.
 *
 * @example
 * const { FlatPay, verifyReturn, verifyWebhook } = require("./flatpay");
 * const pay = new FlatPay({ baseUrl: "https://pay.flatrender.ir", apiKey, hmacSecret });
 * const tx = await pay.request({ amount: 500000, orderId: "order-1", description: "Pro plan", returnUrl });
 * // redirect the buyer to tx.payment_url
 * const result = verifyReturn(new URL(req.url, "https://meezi.ir").searchParams, hmacSecret);
 * const event = verifyWebhook(rawBody, req.headers, webhookSecret);
 *
 * @module flatpay
 */

const crypto = require("node:crypto");

/** First line of the canonical string of a client call (section 2). */
const REQUEST_SCHEME = "FLATPAY-HMAC-SHA256";

/** First line of the string signed for the buyer's return (section 5). */
const RETURN_SCHEME = "FLATPAY-RETURN";

/** Prefix of the `X-FlatPay-Signature` header value. */
const SIGNATURE_VERSION = "v1=";

/** A nonce the broker accepts: 16 to 64 characters of A-Z a-z 0-9 _ - (section 2). */
const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** Unix seconds, as the broker writes them: digits only. */
const UNIX_SECONDS_PATTERN = /^[0-9]{1,15}$/;

/** Random bytes per nonce: 18 bytes are exactly 24 base64url characters. */
const NONCE_BYTES = 18;

/** The query parameters of the buyer's return, in the order they are signed (section 5). */
const RETURN_PARAMS = [
    "flatpay_id",
    "flatpay_order_id",
    "flatpay_status",
    "flatpay_ref_id",
    "flatpay_expires",
    "flatpay_signature",
];

/** The Standard Webhooks headers a webhook must carry (section 6). */
const WEBHOOK_HEADERS = ["webhook-id", "webhook-timestamp", "webhook-signature"];

/** Prefix of a Standard Webhooks secret; the rest is the base64 key. */
const WEBHOOK_SECRET_PREFIX = "whsec_";

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/**
 * A call to the broker failed: the broker answered a non-2xx status, answered something that
 * is not JSON, or could not be reached at all.
 *
 * For a refused call the fields come from the `application/problem+json` body (RFC 9457) when
 * the broker sent one; otherwise `title` is the HTTP status text. A network failure or a
 * timeout has `status` 0 and the underlying error as `cause`.
 */
class FlatPayError extends Error {
    /**
     * @param {string} message what went wrong, for logs
     * @param {object} [fields]
     * @param {number} [fields.status] the HTTP status; 0 when no answer came
     * @param {string|null} [fields.type] the problem type URI, e.g. `https://flatrender.ir/problems/nonce-reused`
     * @param {string|null} [fields.title] the problem title, or the HTTP status text
     * @param {string|null} [fields.detail] the problem detail about this occurrence
     * @param {Array<{field: string, message: string}>|null} [fields.errors] the invalid fields of a `422`
     * @param {unknown} [fields.cause] the underlying error (network failure, timeout, invalid JSON)
     */
    constructor(message, { status = 0, type = null, title = null, detail = null, errors = null, cause } = {}) {
        super(message, cause === undefined ? undefined : { cause });
        this.name = "FlatPayError";
        /** @type {number} */
        this.status = status;
        /** @type {string|null} */
        this.type = type;
        /** @type {string|null} */
        this.title = title;
        /** @type {string|null} */
        this.detail = detail;
        /** @type {Array<{field: string, message: string}>|null} */
        this.errors = errors;
    }
}

/**
 * A signed return or a webhook did not pass a check: a missing parameter or header, a
 * signature that does not match, an expired return, or a webhook timestamp outside the
 * tolerance. Do not trust the data it came with.
 *
 * `code` names the check that failed, for programs: `missing-parameter`,
 * `duplicate-parameter`, `malformed-parameter`, `signature-mismatch`, `expired`,
 * `missing-header`, `duplicate-header`, `malformed-header`, `timestamp-out-of-tolerance`
 * or `malformed-body`.
 */
class FlatPayVerificationError extends Error {
    /**
     * @param {string} code the check that failed (see the class description)
     * @param {string} message what failed, for logs
     * @param {unknown} [cause] the underlying error, if any
     */
    constructor(code, message, cause) {
        super(message, cause === undefined ? undefined : { cause });
        this.name = "FlatPayVerificationError";
        /** @type {string} */
        this.code = code;
    }
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/**
 * Throws a TypeError unless `value` is a string starting with `prefix` and longer than it.
 *
 * @param {unknown} value
 * @param {string} name the argument's name, for the message
 * @param {string} prefix
 */
function requirePrefixed(value, name, prefix) {
    if (typeof value !== "string" || !value.startsWith(prefix) || value.length === prefix.length) {
        throw new TypeError(`${name} must be a string starting with "${prefix}"`);
    }
}

/**
 * Throws a TypeError unless `value` is a non-empty string.
 *
 * @param {unknown} value
 * @param {string} name the argument's name, for the message
 */
function requireNonEmptyString(value, name) {
    if (typeof value !== "string" || value.length === 0) {
        throw new TypeError(`${name} must be a non-empty string`);
    }
}

/**
 * Throws a TypeError unless `value` is a finite number.
 *
 * @param {unknown} value
 * @param {string} name the argument's name, for the message
 */
function requireFiniteNumber(value, name) {
    if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new TypeError(`${name} must be a finite number`);
    }
}

/**
 * The bytes of a body: a string is encoded as UTF-8; `undefined`, `null` and `""` are empty.
 *
 * @param {string|Buffer|Uint8Array|null|undefined} body
 * @param {string} name the argument's name, for the message
 * @returns {Buffer}
 */
function bodyBytes(body, name) {
    if (body === undefined || body === null) {
        return Buffer.alloc(0);
    }
    if (typeof body === "string") {
        return Buffer.from(body, "utf8");
    }
    if (body instanceof Uint8Array) {
        return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    }
    throw new TypeError(`${name} must be a string, a Buffer or a Uint8Array of the raw body bytes`);
}

/**
 * Compares two strings in constant time (for strings of equal length). Strings of different
 * lengths are simply unequal: their length is not a secret.
 *
 * @param {string} expected
 * @param {string} actual
 * @returns {boolean}
 */
function constantTimeEqual(expected, actual) {
    const a = Buffer.from(expected, "utf8");
    const b = Buffer.from(actual, "utf8");
    if (a.length !== b.length) {
        return false;
    }
    return crypto.timingSafeEqual(a, b);
}

/**
 * Lowercase hex HMAC-SHA256 of `message`, keyed with `key`.
 *
 * @param {string|Buffer} key
 * @param {string|Buffer} message
 * @returns {string}
 */
function hmacHex(key, message) {
    return crypto.createHmac("sha256", key).update(message).digest("hex");
}

// ---------------------------------------------------------------------------------------------
// Signing a client call (section 2)
// ---------------------------------------------------------------------------------------------

/**
 * The canonical string of a client call (section 2): the lines
 * `FLATPAY-HMAC-SHA256`, the upper-case method, the path without its query string, the
 * timestamp, the nonce and the lowercase hex SHA-256 of the raw body bytes, joined by `\n`
 * with no trailing newline.
 *
 * @param {object} call
 * @param {string} call.method the HTTP method, e.g. `POST` (upper-cased here)
 * @param {string} call.path the request path, e.g. `/v1/pay/request`; a query string is dropped
 * @param {string|Buffer|Uint8Array|null} [call.body] the exact body bytes sent (a string is UTF-8); empty when absent
 * @param {number|string} call.timestamp the `X-FlatPay-Timestamp` value, unix seconds
 * @param {string} call.nonce the `X-FlatPay-Nonce` value, 16 to 64 characters of A-Z a-z 0-9 _ -
 * @returns {string}
 */
function canonicalRequest({ method, path, body, timestamp, nonce }) {
    requireNonEmptyString(method, "method");
    requireNonEmptyString(path, "path");
    if (!path.startsWith("/")) {
        throw new TypeError(`path must start with "/", got ${JSON.stringify(path)}`);
    }
    const timestampText = String(timestamp);
    if (!UNIX_SECONDS_PATTERN.test(timestampText)) {
        throw new TypeError(`timestamp must be whole unix seconds, got ${JSON.stringify(timestamp)}`);
    }
    if (typeof nonce !== "string" || !NONCE_PATTERN.test(nonce)) {
        throw new TypeError("nonce must be 16 to 64 characters of A-Z a-z 0-9 _ -");
    }
    const queryStart = path.indexOf("?");
    const pathOnly = queryStart === -1 ? path : path.slice(0, queryStart);
    const bodyHash = crypto.createHash("sha256").update(bodyBytes(body, "body")).digest("hex");
    return [REQUEST_SCHEME, method.toUpperCase(), pathOnly, timestampText, nonce, bodyHash].join("\n");
}

/**
 * The signature of a client call: lowercase hex HMAC-SHA256 of its canonical string, keyed
 * with the HMAC secret's UTF-8 bytes (`fps_` included). The `X-FlatPay-Signature` header is
 * `v1=` followed by this value.
 *
 * @param {object} call
 * @param {string} call.method the HTTP method, e.g. `POST`
 * @param {string} call.path the request path, e.g. `/v1/pay/request`
 * @param {string|Buffer|Uint8Array|null} [call.body] the exact body bytes sent (a string is UTF-8)
 * @param {string} call.hmacSecret the client app's HMAC secret, `fps_...`
 * @param {number|string} call.timestamp unix seconds
 * @param {string} call.nonce 16 to 64 characters of A-Z a-z 0-9 _ -
 * @returns {string} 64 lowercase hex characters, without the `v1=` prefix
 */
function signRequest({ method, path, body, hmacSecret, timestamp, nonce }) {
    requirePrefixed(hmacSecret, "hmacSecret", "fps_");
    return hmacHex(Buffer.from(hmacSecret, "utf8"), canonicalRequest({ method, path, body, timestamp, nonce }));
}

/**
 * A fresh nonce: 24 base64url characters from 18 random bytes.
 *
 * @returns {string}
 */
function newNonce() {
    return crypto.randomBytes(NONCE_BYTES).toString("base64url");
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

/**
 * A client of the FlatPay broker, for one client app. Every call is signed per section 2.
 */
class FlatPay {
    /** @type {string} the base URL, without a trailing slash */
    #baseUrl;
    /** @type {string} */
    #apiKey;
    /** @type {string} */
    #hmacSecret;
    /** @type {typeof globalThis.fetch} */
    #fetch;
    /** @type {number} */
    #timeoutMs;
    /** @type {() => number} */
    #clock;

    /**
     * @param {object} options
     * @param {string} options.baseUrl the broker's URL, e.g. `https://pay.flatrender.ir` (http or https; a path prefix is kept)
     * @param {string} options.apiKey the client app's API key, `fpk_...`
     * @param {string} options.hmacSecret the client app's HMAC secret, `fps_...`
     * @param {typeof globalThis.fetch} [options.fetch] the fetch implementation (tests may pass their own)
     * @param {number} [options.timeoutMs] how long one call may take, in milliseconds (default 15000)
     * @param {() => number} [options.clock] the current time in milliseconds (default `Date.now`)
     * @throws {TypeError} when an option is missing or malformed
     */
    constructor({ baseUrl, apiKey, hmacSecret, fetch = globalThis.fetch, timeoutMs = 15000, clock = () => Date.now() } = {}) {
        this.#baseUrl = parseBaseUrl(baseUrl);
        requirePrefixed(apiKey, "apiKey", "fpk_");
        requirePrefixed(hmacSecret, "hmacSecret", "fps_");
        if (typeof fetch !== "function") {
            throw new TypeError("fetch must be a function (Node 18 or later has globalThis.fetch)");
        }
        if (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
            throw new TypeError("timeoutMs must be a positive number of milliseconds");
        }
        if (typeof clock !== "function") {
            throw new TypeError("clock must be a function returning the time in milliseconds");
        }
        this.#apiKey = apiKey;
        this.#hmacSecret = hmacSecret;
        this.#fetch = fetch;
        this.#timeoutMs = timeoutMs;
        this.#clock = clock;
    }

    /**
     * Asks the broker for a payment (`POST /v1/pay/request`, section 3). The same order id with
     * the same body answers the same transaction, so a retry after a timeout is safe.
     *
     * @param {object} payment
     * @param {number} payment.amount Rial, a safe positive integer (the broker requires at least 10,000)
     * @param {string} payment.orderId the site's own order id
     * @param {string} payment.description shown by ZarinPal
     * @param {string} payment.returnUrl where the buyer comes back; a registered return URL prefix
     * @param {{mobile?: string, email?: string}} [payment.metadata] passed to ZarinPal
     * @returns {Promise<object>} the transaction, with the broker's snake_case keys; send the buyer to its `payment_url`
     * @throws {TypeError} before any network call, when an argument is malformed
     * @throws {FlatPayError} when the broker refuses the call or cannot be reached
     */
    async request({ amount, orderId, description, returnUrl, metadata } = {}) {
        if (!Number.isSafeInteger(amount) || amount <= 0) {
            throw new TypeError(`amount must be a safe positive integer of Rial, got ${describeValue(amount)}`);
        }
        requireNonEmptyString(orderId, "orderId");
        requireNonEmptyString(description, "description");
        requireNonEmptyString(returnUrl, "returnUrl");
        if (metadata !== undefined && (metadata === null || typeof metadata !== "object" || Array.isArray(metadata))) {
            throw new TypeError("metadata must be an object when given");
        }
        const payload = {
            amount,
            order_id: orderId,
            description,
            return_url: returnUrl,
        };
        if (metadata !== undefined) {
            payload.metadata = metadata;
        }
        return this.#post("/v1/pay/request", payload);
    }

    /**
     * Looks a transaction up (`POST /v1/pay/inquiry`, section 4), by the broker's id or by the
     * site's order id; give exactly one of them.
     *
     * @param {{id: string} | {orderId: string}} which
     * @returns {Promise<object>} the transaction, with the broker's snake_case keys
     * @throws {TypeError} before any network call, unless exactly one of `id` and `orderId` is a non-empty string
     * @throws {FlatPayError} when the broker refuses the call or cannot be reached
     */
    async inquiry({ id, orderId } = {}) {
        if ((id === undefined) === (orderId === undefined)) {
            throw new TypeError("inquiry needs exactly one of id and orderId");
        }
        if (id !== undefined) {
            requireNonEmptyString(id, "id");
            return this.#post("/v1/pay/inquiry", { id });
        }
        requireNonEmptyString(orderId, "orderId");
        return this.#post("/v1/pay/inquiry", { order_id: orderId });
    }

    /**
     * Sends one signed POST and answers its parsed JSON.
     *
     * @param {string} path the API path, e.g. `/v1/pay/request`
     * @param {object} payload the JSON body
     * @returns {Promise<object>}
     */
    async #post(path, payload) {
        // Serialise once: the bytes signed are exactly the bytes sent.
        const body = JSON.stringify(payload);
        const url = new URL(this.#baseUrl + path);
        const timestamp = Math.floor(this.#clock() / 1000);
        const nonce = newNonce();
        const signature = signRequest({
            method: "POST",
            path: url.pathname,
            body,
            hmacSecret: this.#hmacSecret,
            timestamp,
            nonce,
        });

        let response;
        let text;
        try {
            response = await this.#fetch(url.href, {
                method: "POST",
                headers: {
                    "Content-Type": "application/json",
                    Accept: "application/json, application/problem+json",
                    "X-Api-Key": this.#apiKey,
                    "X-FlatPay-Timestamp": String(timestamp),
                    "X-FlatPay-Nonce": nonce,
                    "X-FlatPay-Signature": SIGNATURE_VERSION + signature,
                },
                body,
                signal: AbortSignal.timeout(this.#timeoutMs),
            });
            text = await response.text();
        } catch (cause) {
            const what =
                cause && (cause.name === "TimeoutError" || cause.name === "AbortError")
                    ? `timed out after ${this.#timeoutMs} ms`
                    : `failed: ${cause && cause.message ? cause.message : String(cause)}`;
            throw new FlatPayError(`FlatPay POST ${path} ${what}`, { status: 0, cause });
        }

        if (!response.ok) {
            throw problemError(path, response, text);
        }
        try {
            return JSON.parse(text);
        } catch (cause) {
            throw new FlatPayError(`FlatPay POST ${path} answered ${response.status} with a body that is not JSON`, {
                status: response.status,
                title: response.statusText || null,
                cause,
            });
        }
    }
}

/**
 * Checks and normalises the broker's base URL.
 *
 * @param {unknown} baseUrl
 * @returns {string} the URL without a trailing slash
 */
function parseBaseUrl(baseUrl) {
    if (typeof baseUrl !== "string" && !(baseUrl instanceof URL)) {
        throw new TypeError("baseUrl must be an http or https URL, e.g. https://pay.flatrender.ir");
    }
    let url;
    try {
        url = new URL(String(baseUrl));
    } catch {
        throw new TypeError(`baseUrl is not a valid URL: ${JSON.stringify(String(baseUrl))}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new TypeError(`baseUrl must use http or https, got ${JSON.stringify(url.protocol)}`);
    }
    if (url.search !== "" || url.hash !== "") {
        throw new TypeError("baseUrl must not have a query string or a fragment");
    }
    if (url.username !== "" || url.password !== "") {
        throw new TypeError("baseUrl must not carry credentials");
    }
    return url.href.replace(/\/+$/, "");
}

/**
 * The FlatPayError for a non-2xx answer, from its problem+json body when it has one.
 *
 * @param {string} path
 * @param {Response} response
 * @param {string} text the answer's body
 * @returns {FlatPayError}
 */
function problemError(path, response, text) {
    const fields = {
        status: response.status,
        type: null,
        title: response.statusText || null,
        detail: null,
        errors: null,
    };
    const contentType = (response.headers.get("content-type") || "").toLowerCase();
    if (contentType.includes("json")) {
        let problem = null;
        try {
            problem = JSON.parse(text);
        } catch {
            // Not JSON after all: keep the status text.
        }
        if (problem !== null && typeof problem === "object" && !Array.isArray(problem)) {
            if (typeof problem.type === "string") {
                fields.type = problem.type;
            }
            if (typeof problem.title === "string") {
                fields.title = problem.title;
            }
            if (typeof problem.detail === "string") {
                fields.detail = problem.detail;
            }
            if (Array.isArray(problem.errors)) {
                fields.errors = problem.errors;
            }
        }
    }
    let message = `FlatPay POST ${path} answered ${response.status}`;
    if (fields.title) {
        message += ` ${fields.title}`;
    }
    if (fields.detail) {
        message += `: ${fields.detail}`;
    }
    return new FlatPayError(message, fields);
}

/**
 * A short description of a value, for error messages.
 *
 * @param {unknown} value
 * @returns {string}
 */
function describeValue(value) {
    if (typeof value === "number" || typeof value === "bigint") {
        return String(value);
    }
    if (typeof value === "string") {
        return JSON.stringify(value);
    }
    return value === null ? "null" : typeof value;
}

// ---------------------------------------------------------------------------------------------
// The buyer's return (section 5)
// ---------------------------------------------------------------------------------------------

/**
 * Reads one query parameter, refusing a missing or repeated one.
 *
 * @param {(name: string) => string[]} getAll the values of a parameter
 * @param {string} name
 * @returns {string}
 */
function singleParam(getAll, name) {
    const values = getAll(name);
    if (values.length === 0) {
        throw new FlatPayVerificationError("missing-parameter", `return is missing the ${name} parameter`);
    }
    if (values.length > 1) {
        throw new FlatPayVerificationError("duplicate-parameter", `return has the ${name} parameter more than once`);
    }
    return values[0];
}

/**
 * A `getAll` for the query in any of the forms verifyReturn accepts.
 *
 * @param {URLSearchParams|Record<string, string|string[]|undefined>|string} query
 * @returns {(name: string) => string[]}
 */
function queryGetter(query) {
    if (typeof query === "string") {
        const params = new URLSearchParams(query.startsWith("?") ? query.slice(1) : query);
        return (name) => params.getAll(name);
    }
    if (query instanceof URLSearchParams) {
        return (name) => query.getAll(name);
    }
    if (query !== null && typeof query === "object" && !Array.isArray(query)) {
        return (name) => {
            if (!Object.prototype.hasOwnProperty.call(query, name)) {
                return [];
            }
            const value = query[name];
            if (value === undefined || value === null) {
                return [];
            }
            const values = Array.isArray(value) ? value : [value];
            for (const each of values) {
                if (typeof each !== "string") {
                    throw new FlatPayVerificationError("malformed-parameter", `return parameter ${name} is not a string`);
                }
            }
            return values;
        };
    }
    throw new TypeError("query must be a URLSearchParams, a plain object of parameters or a query string");
}

/**
 * Verifies the signed result the buyer brings back to the site's return URL (section 5):
 * every `flatpay_*` parameter is present once, `flatpay_signature` is the HMAC of the others
 * (compared in constant time), and `flatpay_expires` is not past.
 *
 * A verified return tells what to show the buyer. Fulfil orders from the webhook or an
 * inquiry, not from the return alone; `pending` means the outcome is not known yet.
 *
 * @param {URLSearchParams|Record<string, string|string[]>|string} query the return URL's query: a
 *     URLSearchParams, a plain object (e.g. a framework's parsed `req.query`) or a query string,
 *     with or without its leading `?`
 * @param {string} hmacSecret the client app's HMAC secret, `fps_...`
 * @param {object} [options]
 * @param {number} [options.now] the current time in milliseconds (default `Date.now()`)
 * @returns {{id: string, orderId: string, status: string, refId: string|null}} the verified
 *     result; `refId` is ZarinPal's reference number, or null unless paid
 * @throws {FlatPayVerificationError} when a check fails; its message and `code` say which
 * @throws {TypeError} when an argument is malformed
 */
function verifyReturn(query, hmacSecret, { now = Date.now() } = {}) {
    requirePrefixed(hmacSecret, "hmacSecret", "fps_");
    requireFiniteNumber(now, "now");
    const getAll = queryGetter(query);

    const values = {};
    for (const name of RETURN_PARAMS) {
        values[name] = singleParam(getAll, name);
    }
    const expires = values.flatpay_expires;
    if (!UNIX_SECONDS_PATTERN.test(expires)) {
        throw new FlatPayVerificationError("malformed-parameter", "return parameter flatpay_expires is not unix seconds");
    }

    const signed = [
        RETURN_SCHEME,
        values.flatpay_id,
        values.flatpay_order_id,
        values.flatpay_status,
        values.flatpay_ref_id,
        expires,
    ].join("\n");
    const expected = hmacHex(Buffer.from(hmacSecret, "utf8"), signed);
    if (!constantTimeEqual(expected, values.flatpay_signature)) {
        throw new FlatPayVerificationError(
            "signature-mismatch",
            "return signature does not match: the parameters were altered or signed with another secret",
        );
    }

    if (Number(expires) * 1000 < now) {
        throw new FlatPayVerificationError(
            "expired",
            `return expired at ${new Date(Number(expires) * 1000).toISOString()}`,
        );
    }

    return {
        id: values.flatpay_id,
        orderId: values.flatpay_order_id,
        status: values.flatpay_status,
        refId: values.flatpay_ref_id === "" ? null : values.flatpay_ref_id,
    };
}

// ---------------------------------------------------------------------------------------------
// Webhooks (section 6, Standard Webhooks)
// ---------------------------------------------------------------------------------------------

/**
 * A `get` for headers in any of the forms verifyWebhook accepts, case-insensitive.
 *
 * @param {Headers|Record<string, string|string[]|undefined>} headers
 * @returns {(name: string) => string|undefined}
 */
function headerGetter(headers) {
    if (headers !== null && typeof headers === "object" && typeof headers.get === "function") {
        return (name) => {
            const value = headers.get(name);
            return value === null ? undefined : value;
        };
    }
    if (headers !== null && typeof headers === "object" && !Array.isArray(headers)) {
        return (name) => {
            const values = [];
            for (const [key, value] of Object.entries(headers)) {
                if (key.toLowerCase() !== name || value === undefined || value === null) {
                    continue;
                }
                if (Array.isArray(value)) {
                    values.push(...value);
                } else {
                    values.push(value);
                }
            }
            if (values.length === 0) {
                return undefined;
            }
            if (values.length > 1) {
                throw new FlatPayVerificationError("duplicate-header", `webhook has the ${name} header more than once`);
            }
            return String(values[0]);
        };
    }
    throw new TypeError("headers must be a Headers instance or a plain object such as Node's req.headers");
}

/**
 * The HMAC key of a Standard Webhooks secret: the base64 after `whsec_`.
 *
 * @param {unknown} webhookSecret
 * @returns {Buffer}
 */
function webhookKey(webhookSecret) {
    requirePrefixed(webhookSecret, "webhookSecret", WEBHOOK_SECRET_PREFIX);
    const encoded = webhookSecret.slice(WEBHOOK_SECRET_PREFIX.length);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
        throw new TypeError(`webhookSecret must be "${WEBHOOK_SECRET_PREFIX}" followed by base64`);
    }
    return Buffer.from(encoded, "base64");
}

/**
 * Verifies a webhook from the broker per Standard Webhooks (section 6): the `webhook-id`,
 * `webhook-timestamp` and `webhook-signature` headers are present, the timestamp is within
 * `toleranceSeconds` of now (either way), and one of the `v1,<base64>` signatures is the
 * HMAC-SHA256 of `<id>.<timestamp>.<body>` (compared in constant time; other versions are
 * ignored).
 *
 * `rawBody` must be the exact bytes received, before any JSON parsing: a body parsed and
 * serialised again is not the body that was signed. Deduplicate events by `webhook-id`, the
 * same on every retry, and answer 2xx once the event is stored.
 *
 * @param {string|Buffer|Uint8Array} rawBody the raw request body
 * @param {Headers|Record<string, string|string[]|undefined>} headers the request headers: a
 *     Headers instance or a plain object with keys in any case (e.g. Node's `req.headers`)
 * @param {string} webhookSecret the client app's webhook secret, `whsec_<base64>`
 * @param {object} [options]
 * @param {number} [options.now] the current time in milliseconds (default `Date.now()`)
 * @param {number} [options.toleranceSeconds] how far the timestamp may be from now (default 300)
 * @returns {{type: string, timestamp: string, data: object}} the parsed event
 * @throws {FlatPayVerificationError} when a check fails; its message and `code` say which
 * @throws {TypeError} when an argument is malformed
 */
function verifyWebhook(rawBody, headers, webhookSecret, { now = Date.now(), toleranceSeconds = 300 } = {}) {
    const body = bodyBytes(rawBody, "rawBody");
    const key = webhookKey(webhookSecret);
    requireFiniteNumber(now, "now");
    if (typeof toleranceSeconds !== "number" || !Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
        throw new TypeError("toleranceSeconds must be a non-negative number");
    }
    const get = headerGetter(headers);

    const values = {};
    for (const name of WEBHOOK_HEADERS) {
        const value = get(name);
        if (value === undefined || value === "") {
            throw new FlatPayVerificationError("missing-header", `webhook is missing the ${name} header`);
        }
        values[name] = value;
    }
    const id = values["webhook-id"];
    const timestamp = values["webhook-timestamp"];

    if (!UNIX_SECONDS_PATTERN.test(timestamp)) {
        throw new FlatPayVerificationError("malformed-header", "webhook-timestamp is not unix seconds");
    }
    const ageSeconds = now / 1000 - Number(timestamp);
    if (ageSeconds > toleranceSeconds) {
        throw new FlatPayVerificationError(
            "timestamp-out-of-tolerance",
            `webhook timestamp is too old (${Math.round(ageSeconds)} s, tolerance ${toleranceSeconds} s)`,
        );
    }
    if (-ageSeconds > toleranceSeconds) {
        throw new FlatPayVerificationError(
            "timestamp-out-of-tolerance",
            `webhook timestamp is in the future (${Math.round(-ageSeconds)} s, tolerance ${toleranceSeconds} s)`,
        );
    }

    const signedContent = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, "utf8"), body]);
    const expected = crypto.createHmac("sha256", key).update(signedContent).digest("base64");
    let matched = false;
    for (const entry of values["webhook-signature"].split(" ")) {
        const comma = entry.indexOf(",");
        if (comma === -1 || entry.slice(0, comma) !== "v1") {
            continue;
        }
        // Check every entry, so the time taken does not tell which one matched.
        if (constantTimeEqual(expected, entry.slice(comma + 1))) {
            matched = true;
        }
    }
    if (!matched) {
        throw new FlatPayVerificationError(
            "signature-mismatch",
            "webhook has no matching v1 signature: the body or headers were altered or signed with another secret",
        );
    }

    try {
        return JSON.parse(body.toString("utf8"));
    } catch (cause) {
        throw new FlatPayVerificationError("malformed-body", "webhook body is signed but is not valid JSON", cause);
    }
}

module.exports = {
    FlatPay,
    FlatPayError,
    FlatPayVerificationError,
    canonicalRequest,
    signRequest,
    verifyReturn,
    verifyWebhook,
};
