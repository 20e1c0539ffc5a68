"""Signs one webhook request with a vendor's official Python SDK.

Reads a JSON object on stdin: {"sdk": "standardwebhooks" | "svix" | "slack_sdk", "secret": str,
"body": str, "id": str (message id, Standard Webhooks/Svix only), "timestamp": int (Unix seconds,
optional: now)} and prints {"headers": {name: value}, "body": str} on stdout: the headers the SDK
produced plus the vendor's other delivery headers, and the body exactly as signed. The signature
always comes from the SDK; this script only names the headers the vendor puts it in.
"""

import json
import sys
import time
from datetime import datetime, timezone


def standard_webhooks(request, webhook_class, prefix):
    """Standard Webhooks and Svix: `Webhook(secret).sign(msg_id, timestamp, payload)` gives `v1,<base64>`."""
    timestamp = request.get("timestamp") or int(time.time())
    signature = webhook_class(request["secret"]).sign(
        request["id"], datetime.fromtimestamp(timestamp, tz=timezone.utc), request["body"]
    )
    return {
        "content-type": "application/json",
        f"{prefix}-id": request["id"],
        f"{prefix}-timestamp": str(timestamp),
        f"{prefix}-signature": signature,
    }


def sign(request):
    sdk = request["sdk"]
    if sdk == "standardwebhooks":
        from standardwebhooks.webhooks import Webhook

        return standard_webhooks(request, Webhook, "webhook")
    if sdk == "svix":
        from svix.webhooks import Webhook

        return standard_webhooks(request, Webhook, "svix")
    if sdk == "slack_sdk":
        from slack_sdk.signature import SignatureVerifier

        timestamp = str(request.get("timestamp") or int(time.time()))
        verifier = SignatureVerifier(signing_secret=request["secret"])
        signature = verifier.generate_signature(timestamp=timestamp, body=request["body"])
        # The SDK's own verifier must accept what it produced, or the test would prove nothing.
        headers = {"x-slack-request-timestamp": timestamp, "x-slack-signature": signature}
        assert verifier.is_valid_request(request["body"], headers), "slack_sdk rejects its own signature"
        return {"content-type": "application/json", **headers}
    raise SystemExit(f"sign.py: unknown sdk {sdk!r}")


def main():
    request = json.load(sys.stdin)
    json.dump({"headers": sign(request), "body": request["body"]}, sys.stdout)


if __name__ == "__main__":
    main()
