// Signs one webhook request with a vendor's official Node SDK.
//
// Reads a JSON object on stdin: {"sdk": "stripe" | "svix" | "standardwebhooks" | "octokit" | "shopify",
// "secret": string, "body": string, "id": string (message/delivery id), "event": string (GitHub event or
// Shopify topic), "timestamp": number (Unix seconds, optional: now)} and prints {"headers": {...},
// "body": string}: the headers the SDK produced plus the vendor's other delivery headers, and the body
// exactly as signed. Signatures always come from the SDK; this script only names the headers.
//
// The script is copied next to the installed node_modules (ES modules resolve packages from the
// importing file's folder), so it imports nothing relative.

import { readFileSync } from 'node:fs';

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
};

const signer = signers[request.sdk];
if (!signer) {
  console.error(`sign.mjs: unknown sdk ${JSON.stringify(request.sdk)}`);
  process.exit(2);
}
process.stdout.write(JSON.stringify(await signer()));
