"""Sends identify and track calls through Segment's official Python client to a Tenure server.

Usage: python3 segment_client.py HOST WRITE_KEY
Exits non-zero if the client reports any error. gzip is on, as many deployments use it.
"""
import sys
import segment.analytics as analytics

host, write_key = sys.argv[1], sys.argv[2]
errors = []
analytics.write_key = write_key
analytics.host = host
analytics.gzip = True
analytics.max_retries = 2
analytics.on_error = lambda error, items: errors.append(repr(error))

analytics.identify("py-user-1", {"email": "py@example.com", "plan": "gold"}, anonymous_id="py-anon-1")
analytics.track("py-user-1", "Order Completed", {"order_id": "py-o-1", "total": 42.5, "currency": "EUR",
                                                 "products": [{"product_id": "tea", "price": 21.25, "quantity": 2}]})
analytics.track(anonymous_id="py-anon-2", event="Product Viewed", properties={"product_id": "tea"})
analytics.page("py-user-1", "Docs", "Quick start")
analytics.flush()
analytics.shutdown()
if errors:
    print("segment client errors:", errors, file=sys.stderr)
    sys.exit(1)
print("sent 4 calls")
