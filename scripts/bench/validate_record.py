"""Validates a `tenure bench all --json` record against scripts/bench/record.schema.json.

Usage: python3 validate_record.py RECORD.json  -> exits 0 when valid, else prints the errors.
"""
import json, os, sys
import jsonschema

schema_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "record.schema.json")
with open(schema_path) as f:
    schema = json.load(f)
with open(sys.argv[1]) as f:
    record = json.load(f)
validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
errors = sorted(validator.iter_errors(record), key=lambda e: list(e.path))
for error in errors:
    print("/".join(str(p) for p in error.path) or "(root)", ":", error.message)
sys.exit(1 if errors else 0)
