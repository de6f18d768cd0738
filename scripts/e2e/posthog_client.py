"""Sends capture, identify, set, set_once and alias calls through PostHog's official Python
client (`posthog` on PyPI) to a Tenure server.

Usage: python3 posthog_client.py HOST API_KEY
Runs the client in sync mode (each call is one POST /batch/ that has returned before the next
call) and shuts it down at the end. Exits non-zero if the client logs an error, reports one to
`on_error`, or drops a call.
"""
import logging
import sys

from posthog import Posthog

host, api_key = sys.argv[1], sys.argv[2]
errors = []


class Errors(logging.Handler):
    def emit(self, record):
        if record.levelno >= logging.ERROR:
            errors.append(record.getMessage())


logging.getLogger("posthog").addHandler(Errors())
client = Posthog(
    api_key,
    host=host,
    sync_mode=True,
    capture_mode="v0",
    max_retries=2,
    on_error=lambda error, items: errors.append(repr(error)),
)

sent = [
    # An anonymous visitor's page view.
    client.capture("$pageview", distinct_id="ph-anon-1", properties={"$pathname": "/pricing", "$is_identified": False}),
    # Identify (the client has no identify() any more: this is the event it sent), with person properties.
    client.capture(
        "$identify",
        distinct_id="ph-user-1",
        properties={
            "$anon_distinct_id": "ph-anon-1",
            "$set": {"email": "ph@example.com", "plan": "free", "coupon": "WELCOME"},
            "$set_once": {"first_plan": "free"},
        },
    ),
    # `$set` overwrites; `$set_once` never does.
    client.set(distinct_id="ph-user-1", properties={"plan": "pro"}),
    client.set_once(distinct_id="ph-user-1", properties={"first_plan": "pro", "signup_source": "ads"}),
    # A custom event that also changes the person.
    client.capture(
        "Order Completed",
        distinct_id="ph-user-1",
        properties={"order_id": "ph-o-1", "total": 30, "$set": {"last_order": "ph-o-1"}, "$unset": ["coupon"]},
    ),
    # From now on the person is known as ph-user-2; ph-user-1 keeps finding them.
    client.alias(previous_id="ph-user-1", distinct_id="ph-user-2"),
]
client.flush()
client.shutdown()
if any(uuid is None for uuid in sent):
    errors.append("the client dropped a call: %r" % (sent,))
if errors:
    print("posthog client errors:", errors, file=sys.stderr)
    sys.exit(1)
print("sent %d calls" % len(sent))
