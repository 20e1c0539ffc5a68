// Signs one webhook request with a vendor's official Node SDK.
//
// Reads a JSON object on stdin: {"sdk": "stripe" | "svix" | "standardwebhooks" | "octokit" | "shopify" |
// "twilio" | "twilio-event-streams" | "square" | "paddle" | "hubspot" | "adyen" | "contentful" | "notion" |
// "sanity" | "discord" | "sendgrid" | "linear" | "box", "secret": string,
// "body": string, "id": string (message/delivery id), "event": string (GitHub event or Shopify topic),
// "timestamp": number (Unix seconds, optional: now), "url": string (the URL the vendor signs: Twilio,
// Square, HubSpot; for Twilio Event Streams the sink URL, before bodySHA256 is appended), "params":
// [[name, value], ...] (Twilio's form fields, in order; the body is built from them), "items":
// [NotificationRequestItem, ...] with "username" and "password" (Adyen: the body is built from the items,
// each signed), "path" and "headers" (Contentful: the request target and the headers it signs; Sanity: its
// other delivery headers), "secondary" and "keys" (Box: the receiver's secondary key, and the {primary,
// secondary} keys Box signs with), "signature" (Twilio Event Streams: only verify)} and prints
// {"headers": {...}, "body": string}: the headers the SDK produced plus the vendor's other delivery
// headers, and the body exactly as signed (Twilio, Twilio Event Streams and Contentful add "path", the path
// and query it was signed for). Twilio Event Streams adds "facts": the SDK's body hash and the URL it
// signed; given a "signature", it only runs the SDK's verifier on "url" (the full URL) and "body" and
// answers "verified".
// Signatures come from the SDK where it has a signer. Square's, Paddle's, Discord's, SendGrid's,
// Linear's and Box's SDKs only verify: for them the script signs as the vendor documents and adds
// "verified": what the SDK's own verifier said about exactly that request (the test requires true, or
// false for a deliberately stale or wrongly keyed one). Discord and SendGrid sign with a fresh key pair
// (Discord's "secret", when given, is the PKCS#8 private key of an earlier answer) and add "facts":
// the key pair, and for Discord the SDK's WebhookType values.
//
// The script is copied next to the installed node_modules (ES modules resolve packages from the
// importing file's folder), so it imports nothing relative.

import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

// stdout carries the one JSON answer: an SDK's logging goes to stderr.
console.log = console.error;
console.info = console.error;

const request = JSON.parse(readFileSync(0, 'utf8'));
const timestamp = request.timestamp ?? Math.floor(Date.now() / 1000);

async function standardWebhooks(Webhook, prefix) {
  // `Webhook(secret).sign(msgId, Date, payload)` gives `v1,<base64>` (the whsec_ prefix is stripped by the SDK).
  const signature = new Webhook(request.secret).sign(request.id, new Date(timestamp * 1000), request.body);
  return {
    headers: {
      'content-type': 'application/json',
      [`${prefix}-id`]: request.id,
      [`${prefix}-timestamp`]: String(timestamp),
      [`${prefix}-signature`]: signature,
    },
    body: request.body,
  };
}

const signers = {
  async stripe() {
    const { default: Stripe } = await import('stripe');
    // The SDK's documented helper for signing payloads in tests: `t=<ts>,v1=<hex>`.
    const header = Stripe.webhooks.generateTestHeaderString({ payload: request.body, secret: request.secret, timestamp });
    // Its own verifier must accept it (as if received when signed), or the test would prove nothing.
    Stripe.webhooks.constructEvent(request.body, header, request.secret, undefined, undefined, timestamp * 1000);
    return { headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header }, body: request.body };
  },
  async svix() {
    const { Webhook } = await import('svix');
    return standardWebhooks(Webhook, 'svix');
  },
  async standardwebhooks() {
    const { Webhook } = await import('standardwebhooks');
    return standardWebhooks(Webhook, 'webhook');
  },
  async octokit() {
    const { sign, verify } = await import('@octokit/webhooks-methods');
    const signature = await sign(request.secret, request.body);
    if (!(await verify(request.secret, request.body, signature))) throw new Error('octokit rejects its own signature');
    return {
      headers: {
        'content-type': 'application/json',
        'x-github-event': request.event,
        'x-github-delivery': request.id,
        'x-github-hook-id': '292430182',
        'x-hub-signature-256': signature,
      },
      body: request.body,
    };
  },
  async shopify() {
    // The package's public test helper builds a signed request (body, X-Shopify-Hmac-Sha256,
    // X-Shopify-Shop-Domain) the way Shopify delivers a webhook; the other headers are added through it.
    const { setUpValidRequest, RequestType } = await import('@shopify/shopify-api/test-helpers');
    const signed = await setUpValidRequest(
      {
        type: RequestType.Extension,
        store: 'webhookgen-e2e',
        apiSecretKey: request.secret,
        body: JSON.parse(request.body),
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': request.event,
          'x-shopify-webhook-id': request.id,
          'x-shopify-event-id': `${request.id}-event`,
          'x-shopify-api-version': '2025-10',
          'x-shopify-triggered-at': new Date(timestamp * 1000).toISOString(),
        },
      },
      new Request('http://127.0.0.1/'),
    );
    return { headers: Object.fromEntries(signed.headers.entries()), body: await signed.text() };
  },
  async twilio() {
    // Twilio signs the URL it calls plus every POST field sorted by name (name then value), HMAC-SHA1
    // keyed with the Auth Token, base64. The SDK's signer takes the fields as a server parses them.
    const { default: twilio } = await import('twilio');
    const { parse } = await import('node:querystring');
    const body = new URLSearchParams(request.params).toString();
    const params = { ...parse(body) };
    const signature = twilio.getExpectedTwilioSignature(request.secret, request.url, params);
    // Its own verifier, given the body as Express would parse it, must accept the request.
    if (!twilio.validateRequest(request.secret, signature, request.url, params)) {
      throw new Error('twilio rejects its own signature');
    }
    const url = new URL(request.url);
    return {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'i-twilio-idempotency-token': `${request.id}`,
        'x-twilio-signature': signature,
      },
      body,
      path: url.pathname + url.search,
    };
  },
  async 'twilio-event-streams'() {
    // Event Streams webhook sinks POST a JSON array of CloudEvents. Twilio appends the body's SHA-256
    // (`getExpectedBodyHash`: hex, of the UTF-8 body) to the sink URL as the last query parameter,
    // `bodySHA256`, and signs that full URL alone (`getExpectedTwilioSignature(token, url, {})`, HMAC-SHA1
    // keyed with the Auth Token, base64). The SDK's `validateRequestWithBody(token, signature, url, body)`
    // checks both. Given a "signature", the script only asks that verifier about (url, body) as given.
    const { default: twilio } = await import('twilio');
    if (request.signature !== undefined) {
      const verified = twilio.validateRequestWithBody(request.secret, request.signature, request.url, request.body);
      return { headers: {}, body: request.body, verified };
    }
    const hash = twilio.getExpectedBodyHash(request.body);
    const url = `${request.url}${request.url.includes('?') ? '&' : '?'}bodySHA256=${hash}`;
    const signature = twilio.getExpectedTwilioSignature(request.secret, url, {});
    if (!twilio.validateRequestWithBody(request.secret, signature, url, request.body)) {
      throw new Error('twilio validateRequestWithBody rejects its own signature');
    }
    const parsed = new URL(url);
    return {
      headers: { 'content-type': 'application/json', [twilio.SIGNATURE_HEADER.toLowerCase()]: signature },
      body: request.body,
      path: parsed.pathname + parsed.search,
      facts: { body_sha256: hash, url },
    };
  },
  async square() {
    // Square's SDK only verifies. As documented (developer.squareup.com/docs/webhooks/step3validate):
    // base64 HMAC-SHA256 keyed with the subscription's signature key over notification URL + body; the
    // legacy x-square-signature is the same with HMAC-SHA1.
    const square = await import('square');
    const WebhooksHelper = square.WebhooksHelper ?? square.default.WebhooksHelper;
    const message = request.url + request.body;
    const signature = createHmac('sha256', request.secret).update(message, 'utf8').digest('base64');
    const verified = await WebhooksHelper.verifySignature({
      requestBody: request.body,
      signatureHeader: signature,
      signatureKey: request.secret,
      notificationUrl: request.url,
    });
    return {
      headers: {
        'content-type': 'application/json',
        'square-environment': 'Sandbox',
        'x-square-hmacsha256-signature': signature,
        'x-square-signature': createHmac('sha1', request.secret).update(message, 'utf8').digest('base64'),
      },
      body: request.body,
      verified,
    };
  },
  async paddle() {
    // Paddle's SDK only verifies. As documented (developer.paddle.com/webhooks/signature-verification):
    // Paddle-Signature `ts=<unix seconds>;h1=<hex HMAC-SHA256 keyed with the secret key over "<ts>:<body>">`.
    const { Paddle, Environment } = await import('@paddle/paddle-node-sdk');
    const h1 = createHmac('sha256', request.secret).update(`${timestamp}:${request.body}`, 'utf8').digest('hex');
    const header = `ts=${timestamp};h1=${h1}`;
    // `unmarshal` verifies (5-second tolerance) and parses; it throws when the signature fails.
    const paddle = new Paddle('pdl_sdbx_apikey_01jwebhookgene2etestkey000000', { environment: Environment.sandbox });
    let verified;
    try {
      const event = await paddle.webhooks.unmarshal(request.body, request.secret, header);
      verified = event.eventId === JSON.parse(request.body).event_id;
    } catch (e) {
      if (!/signature verification failed/.test(String(e))) throw e;
      verified = false;
    }
    return { headers: { 'content-type': 'application/json', 'paddle-signature': header }, body: request.body, verified };
  },
  async hubspot() {
    // `Signature.getSignature('POST', 'v3', …)` is the SDK's v3 recipe: base64 HMAC-SHA256 keyed with the
    // client secret over method + URL + body + timestamp (milliseconds). It must equal the recipe HubSpot
    // documents (developers.hubspot.com/docs/api/webhooks/validating-requests), and the SDK's own
    // `Signature.isValid` must accept it (it throws on a timestamp older than 5 minutes).
    const hubspot = await import('@hubspot/api-client');
    const Signature = hubspot.Signature ?? hubspot.default.Signature;
    const ms = request.timestamp !== undefined ? request.timestamp * 1000 : Date.now();
    const options = { clientSecret: request.secret, url: request.url, requestBody: request.body, timestamp: ms };
    const signature = Signature.getSignature('POST', 'v3', options);
    const documented = createHmac('sha256', request.secret)
      .update(`POST${request.url}${request.body}${ms}`, 'utf8')
      .digest('base64');
    if (signature !== documented) throw new Error(`hubspot v3: SDK ${signature} != documented ${documented}`);
    let verified;
    try {
      verified = Signature.isValid({ signatureVersion: 'v3', signature, method: 'POST', ...options });
    } catch (e) {
      if (!/Timestamp is invalid/.test(String(e))) throw e;
      verified = false;
    }
    return {
      headers: {
        'content-type': 'application/json',
        'x-hubspot-request-timestamp': String(ms),
        'x-hubspot-signature-v3': signature,
        // HubSpot also sends the older v1 signature, which the connector does not check.
        'x-hubspot-signature-version': 'v1',
        'x-hubspot-signature': Signature.getSignature('POST', 'v1', options),
      },
      body: request.body,
      verified,
    };
  },
  async adyen() {
    // Standard webhooks sign each NotificationRequestItem on its own: `calculateHmac(item, hexKey)` is
    // base64 HMAC-SHA256 (hex-decoded key) over pspReference:originalReference:merchantAccountCode:
    // merchantReference:amount.value:amount.currency:eventCode:success, put in additionalData.hmacSignature.
    const { hmacValidator: HmacValidator } = await import('@adyen/api-library');
    const validator = new HmacValidator();
    const notificationItems = request.items.map((item) => {
      const signed = { ...item, additionalData: { ...item.additionalData } };
      signed.additionalData.hmacSignature = validator.calculateHmac(signed, request.secret);
      // Its own verifier must accept each item, or the test would prove nothing.
      if (validator.validateHMAC(signed, request.secret) !== true) {
        throw new Error(`adyen rejects its own signature of ${signed.pspReference}`);
      }
      return { NotificationRequestItem: signed };
    });
    const basic = Buffer.from(`${request.username}:${request.password}`, 'utf8').toString('base64');
    return {
      headers: { 'content-type': 'application/json', authorization: `Basic ${basic}` },
      body: JSON.stringify({ live: 'false', notificationItems }),
    };
  },
  async contentful() {
    // `signRequest(secret, {method, path, headers, body}, timestampMs)` signs every header given plus
    // x-contentful-signed-headers and x-contentful-timestamp, and returns those two with
    // x-contentful-signature. The path is the request target (path and query) as sent.
    const { signRequest, verifyRequest } = await import('@contentful/node-apps-toolkit');
    const ms = request.timestamp !== undefined ? request.timestamp * 1000 : Date.now();
    const canonical = { method: 'POST', path: request.path, headers: request.headers, body: request.body };
    const headers = { ...request.headers, ...signRequest(request.secret, canonical, ms) };
    // Its own verifier (default TTL, 30 s) must accept the request as received.
    if (verifyRequest(request.secret, { ...canonical, headers }) !== true) {
      throw new Error('contentful rejects its own signature');
    }
    return { headers, body: request.body, path: request.path };
  },
  async notion() {
    // `signWebhookPayload({body, verificationToken})` gives X-Notion-Signature: `sha256=<hex>` over the raw body.
    const { signWebhookPayload, verifyWebhookSignature } = await import('@notionhq/client');
    const verificationToken = request.secret;
    const signature = await signWebhookPayload({ body: request.body, verificationToken });
    if (!(await verifyWebhookSignature({ body: request.body, signature, verificationToken }))) {
      throw new Error('notion rejects its own signature');
    }
    return { headers: { 'content-type': 'application/json', 'x-notion-signature': signature }, body: request.body };
  },
  async sanity() {
    // `encodeSignatureHeader(body, timestampMs, secret)` gives sanity-webhook-signature `t=<ms>,v1=<base64url>`.
    const { encodeSignatureHeader, isValidSignature, isValidRequest, SIGNATURE_HEADER_NAME } = await import('@sanity/webhook');
    const ms = request.timestamp !== undefined ? request.timestamp * 1000 : Date.now();
    const signature = await encodeSignatureHeader(request.body, ms, request.secret);
    const headers = { 'content-type': 'application/json', ...request.headers, [SIGNATURE_HEADER_NAME]: signature };
    // Its own verifiers, of the signature and of the request as a server receives it, must accept it.
    if (!(await isValidSignature(request.body, signature, request.secret))) throw new Error('sanity rejects its own signature');
    if (!(await isValidRequest({ headers, body: Buffer.from(request.body, 'utf8') }, request.secret))) {
      throw new Error('sanity rejects its own request');
    }
    return { headers, body: request.body };
  },
  async discord() {
    // discord-interactions only verifies: `verifyKey(body, signature, timestamp, publicKeyHex)`. As Discord
    // documents, the signature is Ed25519 (hex) over the X-Signature-Timestamp text followed by the raw body.
    // The key pair is fresh unless the request carries the PKCS#8 private key (base64) of an earlier answer.
    const { verifyKey, WebhookType } = await import('discord-interactions');
    const { generateKeyPairSync, createPrivateKey, createPublicKey, sign } = await import('node:crypto');
    const privateKey = request.secret
      ? createPrivateKey({ key: Buffer.from(request.secret, 'base64'), format: 'der', type: 'pkcs8' })
      : generateKeyPairSync('ed25519').privateKey;
    const publicKey = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x, 'base64url').toString('hex');
    const ts = String(timestamp);
    const signature = sign(null, Buffer.from(ts + request.body, 'utf8'), privateKey).toString('hex');
    return {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)',
        'x-signature-ed25519': signature,
        'x-signature-timestamp': ts,
      },
      body: request.body,
      verified: await verifyKey(request.body, signature, ts, publicKey),
      facts: {
        public_key: publicKey,
        private_key: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
        ping_type: WebhookType.PING,
        event_type: WebhookType.EVENT,
      },
    };
  },
  async sendgrid() {
    // @sendgrid/eventwebhook only verifies. As SendGrid documents: ECDSA P-256 with SHA-256 over the
    // timestamp header's text followed by the payload, the DER signature in base64; the Verification Key
    // is the base64 DER (SubjectPublicKeyInfo) public key. The key pair is fresh.
    const { default: sendgrid } = await import('@sendgrid/eventwebhook');
    const { EventWebhook, EventWebhookHeader } = sendgrid;
    const { generateKeyPairSync, sign } = await import('node:crypto');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const verificationKey = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const ts = String(timestamp);
    const signature = sign('sha256', Buffer.from(ts + request.body, 'utf8'), privateKey).toString('base64');
    const webhook = new EventWebhook();
    const verified = webhook.verifySignature(webhook.convertPublicKeyToECDSA(verificationKey), request.body, signature, ts);
    return {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'SendGrid Event API',
        [EventWebhookHeader.SIGNATURE().toLowerCase()]: signature,
        [EventWebhookHeader.TIMESTAMP().toLowerCase()]: ts,
      },
      body: request.body,
      verified,
      facts: { public_key: verificationKey },
    };
  },
  async linear() {
    // @linear/sdk only verifies: `new LinearWebhookClient(secret).verify(rawBody, signature)`. As Linear
    // documents: Linear-Signature is the hex HMAC-SHA256 of the raw body keyed with the signing secret,
    // and the body's webhookTimestamp (Unix ms) must be within a minute of now.
    const { LinearWebhookClient, LINEAR_WEBHOOK_SIGNATURE_HEADER } = await import('@linear/sdk/webhooks');
    const signature = createHmac('sha256', request.secret).update(request.body, 'utf8').digest('hex');
    let verified;
    try {
      verified = new LinearWebhookClient(request.secret).verify(Buffer.from(request.body, 'utf8'), signature);
    } catch (e) {
      // A stale timestamp is a verdict; a signature the SDK rejects fails the script.
      if (!/Invalid webhook timestamp/.test(String(e))) throw e;
      verified = false;
    }
    return {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Linear-Webhook',
        'linear-delivery': request.id,
        'linear-event': request.event,
        [LINEAR_WEBHOOK_SIGNATURE_HEADER]: signature,
      },
      body: request.body,
      verified,
    };
  },
  async box() {
    // box-node-sdk only verifies: `WebhooksManager.validateMessage(body, headers, primaryKey, {secondaryKey})`.
    // As Box documents: BOX-SIGNATURE-PRIMARY / -SECONDARY are base64 HMAC-SHA256 of the raw body followed
    // by the BOX-DELIVERY-TIMESTAMP text, keyed with the primary / secondary key. Box signs with
    // `keys.primary` and `keys.secondary`; the SDK checks with `secret` and `secondary` (the receiver's).
    const { WebhooksManager } = await import('box-node-sdk/managers');
    // Box writes the delivery time in RFC 3339 with the Pacific offset, to the second.
    const pacific = new Date(timestamp * 1000 - 8 * 3600 * 1000).toISOString().slice(0, 19) + '-08:00';
    const sign = (key) => createHmac('sha256', key).update(request.body, 'utf8').update(pacific, 'utf8').digest('base64');
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Box-WH-Client/0.1',
      'box-delivery-id': request.id,
      'box-delivery-timestamp': pacific,
      'box-signature-algorithm': 'HmacSHA256',
      'box-signature-version': '1',
      'box-signature-primary': sign(request.keys.primary),
      'box-signature-secondary': sign(request.keys.secondary),
    };
    const verified = await WebhooksManager.validateMessage(request.body, headers, request.secret, {
      secondaryKey: request.secondary,
    });
    return { headers, body: request.body, verified };
  },
};

const signer = signers[request.sdk];
if (!signer) {
  console.error(`sign.mjs: unknown sdk ${JSON.stringify(request.sdk)}`);
  process.exit(2);
}
process.stdout.write(JSON.stringify(await signer()));
